package ociclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
	"github.com/mcpg-dev/mcpg-plugins/shared/retry"
	"github.com/mcpg-dev/mcpg-plugins/shared/textclip"
)

// Accepted manifest media types on pull, as the host asks for them.
var manifestAccept = strings.Join([]string{
	oci.ManifestMediaType, oci.IndexMediaType, oci.DockerManifestMediaType, oci.DockerListMediaType,
}, ", ")

// Registry is a repository on a registry, reached through the policy transport and ggcr's
// authentication handshake.
type Registry struct {
	repo   name.Repository
	host   string
	cfg    *Config
	pt     *policyTransport
	creds  authn.Authenticator
	authed http.RoundTripper // the policy transport under ggcr's authentication, after connect
	client *http.Client      // over authed
	pusher *remote.Pusher
	puts   *putDigestRecorder // between authentication and the policy transport, after connect
}

// OpenRegistry prepares a store for ref's repository, to be reached as cfg says with creds
// (authn.Anonymous for none). Nothing is sent until the first operation.
func OpenRegistry(ref oci.Reference, cfg *Config, creds authn.Authenticator) (*Registry, error) {
	var nameOpts []name.Option
	if cfg.PlainHTTPAllowed(ref.Registry) {
		nameOpts = append(nameOpts, name.Insecure)
	}
	repo, err := name.NewRepository(ref.Name(), nameOpts...)
	if err != nil {
		return nil, fmt.Errorf("reference %q: %v", ref.String(), err)
	}
	return &Registry{repo: repo, host: ref.Registry, cfg: cfg, pt: newPolicyTransport(cfg, cfg.baseTransport()), creds: creds}, nil
}

// Host is the registry's host[:port].
func (s *Registry) Host() string { return s.host }

// Classify turns an error from this registry into a *RegistryError, with what the transport saw
// (the network failure behind ggcr's summary, a Retry-After too long to wait); failed checks
// and local I/O failures are returned as they are.
func (s *Registry) Classify(err error) error { return classify(err, s.host, s.pt) }

// Retryable reports whether a failure while reading a blob from a registry may be cured by
// fetching it again (the predicate for WithRetry).
func Retryable(err error) bool {
	var done *retriesExhausted // the transport already repeated the request: no second round
	if isFinal(err) || errors.Is(err, context.Canceled) || errors.As(err, &done) {
		return false
	}
	if se := statusErrorOf(err); se != nil {
		return retryableStatus(se.StatusCode)
	}
	return retryableNetErr(err) || errors.Is(err, io.ErrUnexpectedEOF)
}

// connect pings the registry and authenticates for the given actions, once.
func (s *Registry) connect(ctx context.Context, push bool) error {
	if s.authed != nil {
		return nil
	}
	scope := s.repo.Scope(transport.PullScope)
	if push {
		scope = s.repo.Scope(transport.PushScope)
	}
	s.puts = &putDigestRecorder{inner: s.pt}
	tr, err := transport.NewWithContext(ctx, s.repo.Registry, s.creds, s.puts, []string{scope})
	if err != nil {
		return err
	}
	s.authed = tr
	s.client = &http.Client{Transport: tr, CheckRedirect: checkRedirect}
	return nil
}

// checkRedirect follows at most 10 redirects. The authentication transport only adds
// credentials for the registry's own host, and the policy transport refuses a redirect down to
// plain HTTP, so following is safe.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}

// Prepare connects for pushing.
func (s *Registry) Prepare(ctx context.Context) error { return s.connect(ctx, true) }

func (s *Registry) url(kind, ident string) string {
	scheme := "https"
	if s.cfg.PlainHTTPAllowed(s.host) {
		scheme = s.repo.Scheme() // the ping's answer replaces it anyway
	}
	u := url.URL{Scheme: scheme, Host: s.repo.RegistryStr(), Path: fmt.Sprintf("/v2/%s/%s/%s", s.repo.RepositoryStr(), kind, ident)}
	return u.String()
}

// PushManifest puts raw under tag (by digest d when tag is "") and returns its URL.
func (s *Registry) PushManifest(ctx context.Context, tag string, raw []byte, d digest.Digest) (string, error) {
	if err := s.connect(ctx, true); err != nil {
		return "", err
	}
	var ref name.Reference = s.repo.Digest(d.String())
	if tag != "" {
		ref = s.repo.Tag(tag)
	}
	if s.pusher == nil {
		base := s.cfg.RetryBaseDelay
		if base == 0 {
			base = retry.FirstBackoff
		}
		p, err := remote.NewPusher(remote.WithTransport(s.authed), remote.WithContext(ctx), remote.WithUserAgent(s.cfg.UserAgent),
			remote.WithRetryPredicate(uploadRetryable),
			remote.WithRetryBackoff(remote.Backoff{Duration: base, Factor: 2, Jitter: 0.1, Steps: s.cfg.Retries + 1}))
		if err != nil {
			return "", err
		}
		s.pusher = p
	}
	s.puts.take() // forget an earlier PUT's answer
	if err := s.pusher.Put(ctx, ref, rawManifest(raw)); err != nil {
		return "", err
	}
	if err := checkStoredManifest(s.puts.take(), d, ref.Name()); err != nil {
		return "", err
	}
	if u := s.pt.lastManifestURL(); u != "" {
		return u, nil
	}
	return s.url("manifests", d.String()), nil
}

// rawManifest is a manifest PUT verbatim: the exact bytes are what the digest covers.
type rawManifest []byte

func (m rawManifest) RawManifest() ([]byte, error)        { return m, nil }
func (m rawManifest) MediaType() (types.MediaType, error) { return types.OCIManifestSchema1, nil }

// FetchManifest gets the manifest ident names; a body cut short is fetched again.
func (s *Registry) FetchManifest(ctx context.Context, ident string) ([]byte, string, digest.Digest, error) {
	var none digest.Digest
	if err := s.connect(ctx, false); err != nil {
		return nil, "", none, err
	}
	var raw []byte
	var resp *http.Response
	policy := s.cfg.retryPolicy()
	policy.Retryable = func(err error) bool { return !isFinal(err) && midStream(err) }
	err := policy.Do(ctx, func(retry.Attempt) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url("manifests", ident), nil)
		if err != nil {
			return retry.Stop(err)
		}
		req.Header.Set("Accept", manifestAccept)
		if resp, err = s.client.Do(req); err != nil {
			return err
		}
		defer resp.Body.Close()
		if err = transport.CheckError(resp, http.StatusOK); err != nil {
			return err
		}
		raw, err = readManifestBody(resp)
		return err
	})
	if err != nil {
		return nil, "", none, err
	}
	d := digest.Of(raw)
	if h := strings.TrimSpace(resp.Header.Get("Docker-Content-Digest")); h != "" {
		if strings.HasPrefix(h, digest.Prefix) && !strings.EqualFold(h, d.String()) {
			return nil, "", none, failf("manifest %s on %s: the registry's Docker-Content-Digest %s does not match the body it sent, %s",
				ident, s.host, clip(h), d)
		}
	}
	return raw, mediaTypeOf(resp.Header.Get("Content-Type")), d, nil
}

// midStream: a body cut or stalled while reading (the status was fine); whole requests were
// already retried by the transport.
func midStream(err error) bool {
	var done *retriesExhausted
	var te *TimeoutError
	return !errors.As(err, &done) && statusErrorOf(err) == nil &&
		(errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &te) && te.Waiting == WaitingBody)
}

// readManifestBody reads at most oci.MaxManifestSize bytes; more is refused, not truncated.
func readManifestBody(resp *http.Response) ([]byte, error) {
	if resp.ContentLength > oci.MaxManifestSize {
		return nil, failf("manifest is %d bytes; at most %d are accepted", resp.ContentLength, oci.MaxManifestSize)
	}
	var b bytes.Buffer
	n, err := b.ReadFrom(io.LimitReader(resp.Body, oci.MaxManifestSize+1))
	if err != nil {
		return nil, err
	}
	if n > oci.MaxManifestSize {
		return nil, failf("manifest is more than %d bytes; refusing it", oci.MaxManifestSize)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return nil, io.ErrUnexpectedEOF
	}
	return b.Bytes(), nil
}

func mediaTypeOf(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.TrimSpace(mt)
}

// FetchBlob streams blob d, refusing a length other than size.
func (s *Registry) FetchBlob(ctx context.Context, d string, size int64) (io.ReadCloser, error) {
	if err := s.connect(ctx, false); err != nil {
		return nil, err
	}
	resp, err := s.send(ctx, http.MethodGet, s.url("blobs", d))
	if err != nil {
		return nil, err
	}
	if err := transport.CheckError(resp, http.StatusOK); err != nil {
		resp.Body.Close()
		return nil, err
	}
	if resp.ContentLength >= 0 && resp.ContentLength != size {
		resp.Body.Close()
		return nil, failf("blob %s on %s: the registry sends %d bytes; the manifest says %d", d, s.host, resp.ContentLength, size)
	}
	return resp.Body, nil
}

// clip bounds what a registry sent (a header, a path it redirected to) for an error line.
func clip(s string) string { return textclip.ClipN(s, 100) }
