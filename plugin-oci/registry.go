package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
)

// store is where packages are pushed to and pulled from: a registry repository or an OCI image
// layout directory. Every byte that comes out of fetchManifest has been checked against the
// digests the store itself announced; fetchBlob leaves verification to the caller, who hashes
// while copying.
type store interface {
	// prepare connects for pushing (once; later calls do nothing), so blobs can then be pushed
	// concurrently.
	prepare(ctx context.Context) error
	// pushBlob uploads a blob unless the store already has it.
	pushBlob(ctx context.Context, b blob) error
	// pushManifest stores raw under tag ("" for untagged) and returns where it can be fetched.
	pushManifest(ctx context.Context, tag string, raw []byte, d digest.Digest) (url string, err error)
	// fetchManifest returns the manifest (or index) ident names (a tag or "sha256:<hex>"), its
	// media type as announced, and its digest, checked against the store's own claims.
	fetchManifest(ctx context.Context, ident string) (raw []byte, mediaType string, d digest.Digest, err error)
	// fetchBlob streams the blob d of the given size.
	fetchBlob(ctx context.Context, d string, size int64) (io.ReadCloser, error)
	// wrap turns an error from this store into a one-line *cli.Error about doing what.
	wrap(err error, what string) error
	// retryable reports whether a failure while reading a blob may be cured by fetching it again.
	retryable(err error) bool
	retries() int
}

// blob is content to upload: a descriptor and a way to read it (again, on retries). Digest is ""
// while pending computes it.
type blob struct {
	oci.Descriptor
	pending *digestFuture
	open    func() (io.ReadCloser, error)
}

// digestFuture is a digest being computed in the background.
type digestFuture struct {
	done  chan struct{}
	d     digest.Digest
	err   error
	known bool // see knownDigest
}

func computeDigest(f func() (digest.Digest, error)) *digestFuture {
	df := &digestFuture{done: make(chan struct{})}
	go func() {
		defer close(df.done)
		df.d, df.err = f()
	}()
	return df
}

// knownDigest is a digest settled before any upload (remembered, or hashed while spooling stdin).
// Only such digests choose the monolithic upload: whether a background hash happens to finish
// before the upload starts must not change which requests are sent.
func knownDigest(d digest.Digest) *digestFuture {
	df := &digestFuture{done: make(chan struct{}), d: d, known: true}
	close(df.done)
	return df
}

func (df *digestFuture) wait(ctx context.Context) (digest.Digest, error) {
	select {
	case <-df.done:
		return df.d, df.err
	case <-ctx.Done():
		return digest.Digest{}, ctx.Err()
	}
}

// Accepted manifest media types on pull, as the host asks for them.
var manifestAccept = strings.Join([]string{
	oci.ManifestMediaType, oci.IndexMediaType, oci.DockerManifestMediaType, oci.DockerListMediaType,
}, ", ")

// registryStore is a repository on a registry, reached through the policy transport and ggcr's
// authentication handshake.
type registryStore struct {
	repo    name.Repository
	host    string
	opts    *transportOptions
	pt      *policyTransport
	creds   authn.Authenticator
	authOpt *authOptions      // for redaction and the 401 hint
	authed  http.RoundTripper // the policy transport under ggcr's authentication, after connect
	client  *http.Client      // over authed
	pusher  *remote.Pusher
}

// openRegistry prepares a store for ref's repository. Nothing is sent until the first operation.
func openRegistry(ref oci.Reference, opts *transportOptions, authOpts *authOptions, creds authn.Authenticator) (*registryStore, error) {
	var nameOpts []name.Option
	if opts.plainHTTPAllowed(ref.Registry) {
		nameOpts = append(nameOpts, name.Insecure)
	}
	repo, err := name.NewRepository(ref.Name(), nameOpts...)
	if err != nil {
		return nil, cli.Usagef("reference %q: %v", ref.String(), err)
	}
	base, err := opts.baseTransport()
	if err != nil {
		return nil, err
	}
	return &registryStore{repo: repo, host: ref.Registry, opts: opts, pt: newPolicyTransport(opts, base), creds: creds, authOpt: authOpts}, nil
}

// connect pings the registry and authenticates for the given actions, once.
func (s *registryStore) connect(ctx context.Context, push bool) error {
	if s.authed != nil {
		return nil
	}
	scope := s.repo.Scope(transport.PullScope)
	if push {
		scope = s.repo.Scope(transport.PushScope)
	}
	tr, err := transport.NewWithContext(ctx, s.repo.Registry, s.creds, s.pt, []string{scope})
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

func (s *registryStore) retries() int { return s.opts.retries }

func (s *registryStore) prepare(ctx context.Context) error { return s.connect(ctx, true) }

func (s *registryStore) wrap(err error, what string) error {
	err = registryError(err, what, s.host, s.pt, s.creds)
	var ce *cli.Error
	if s.authOpt != nil && errors.As(err, &ce) {
		c := *ce
		if c.Code == cli.ExitAuth && statusErrorOf(err) != nil {
			c.Hint = s.authOpt.unauthorizedHint(s.host)
		}
		c.Msg, c.Hint = s.authOpt.redact(c.Msg), s.authOpt.redact(c.Hint)
		return &c
	}
	return err
}

func (s *registryStore) retryable(err error) bool {
	var ce *cli.Error
	if errors.As(err, &ce) || errors.Is(err, context.Canceled) {
		return false
	}
	if se := statusErrorOf(err); se != nil {
		return retryableStatus(se.StatusCode)
	}
	return retryableNetErr(err) || errors.Is(err, io.ErrUnexpectedEOF)
}

func (s *registryStore) url(kind, ident string) string {
	scheme := "https"
	if s.opts.plainHTTPAllowed(s.host) {
		scheme = s.repo.Scheme() // the ping's answer replaces it anyway
	}
	u := url.URL{Scheme: scheme, Host: s.repo.RegistryStr(), Path: fmt.Sprintf("/v2/%s/%s/%s", s.repo.RepositoryStr(), kind, ident)}
	return u.String()
}

// pushBlob uploads b as the distribution spec's POST, one streamed PATCH, PUT ?digest= — the
// same requests as ggcr and crane — but b's digest may still be being computed: the bytes go out
// while the hash runs, and only the final PUT needs it. A blob the repository already has is not
// sent again: checked up front when the digest is known, else as soon as it is, cancelling the
// upload in flight.
func (s *registryStore) pushBlob(ctx context.Context, b blob) error {
	if err := s.connect(ctx, true); err != nil {
		return err
	}
	if b.Digest == "" && b.pending != nil && b.pending.known {
		b.Digest = b.pending.d.String()
	}
	if b.Digest != "" {
		if have, err := s.haveBlob(ctx, b.Digest); err != nil || have {
			return err
		}
	}
	for attempt := 0; ; attempt++ {
		err := s.uploadOnce(ctx, b)
		if err == nil || errors.Is(err, errBlobExists) {
			return nil
		}
		if attempt >= s.opts.retries || !uploadRetryable(err) || ctx.Err() != nil {
			return err
		}
		if err := sleepCtx(ctx, backoff(attempt)); err != nil {
			return err
		}
	}
}

var errBlobExists = errors.New("the registry already has the blob")

func (s *registryStore) uploadOnce(ctx context.Context, b blob) (rerr error) {
	loc, err := s.startUpload(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if rerr != nil { // leave no upload session behind: best effort, one quick try
			dctx, cancel := context.WithTimeout(withoutRetries(context.WithoutCancel(ctx)), 2*time.Second)
			defer cancel()
			if req, err := http.NewRequestWithContext(dctx, http.MethodDelete, loc, nil); err == nil {
				if resp, err := s.client.Do(req); err == nil {
					resp.Body.Close()
				}
			}
		}
	}()

	if b.Digest != "" {
		return s.putMonolithic(ctx, loc, b)
	}
	patchCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var exists atomic.Bool
	if b.Digest == "" && b.pending != nil {
		go func() {
			d, err := b.pending.wait(patchCtx)
			if err != nil {
				return
			}
			if have, err := s.haveBlob(patchCtx, d.String()); err == nil && have {
				exists.Store(true)
				cancel()
			}
		}()
	}
	body, err := b.open()
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(patchCtx, http.MethodPatch, loc, body)
	if err != nil {
		body.Close()
		return err
	}
	req.ContentLength = b.Size
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := s.client.Do(req)
	if exists.Load() {
		if err == nil {
			resp.Body.Close()
		}
		return errBlobExists
	}
	if err != nil {
		return err
	}
	loc, err = nextLocation(resp, http.StatusAccepted, http.StatusNoContent, http.StatusCreated)
	if err != nil {
		return err
	}

	d := b.Digest
	if d == "" {
		dd, err := b.pending.wait(ctx)
		if err != nil {
			return err
		}
		d = dd.String()
	}
	commit, err := withDigest(loc, d)
	if err != nil {
		return err
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodPut, commit, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	if resp, err = s.client.Do(req); err != nil {
		return err
	}
	defer resp.Body.Close()
	return transport.CheckError(resp, http.StatusCreated)
}

// putMonolithic sends a blob whose digest is known in one PUT ?digest= carrying the body (the
// distribution spec's monolithic upload): one request fewer than POST/PATCH/PUT, and the registry
// hashes and commits in one pass instead of saving and resuming its hash state.
func (s *registryStore) putMonolithic(ctx context.Context, loc string, b blob) error {
	commit, err := withDigest(loc, b.Digest)
	if err != nil {
		return err
	}
	body, err := b.open()
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, commit, body)
	if err != nil {
		body.Close()
		return err
	}
	req.ContentLength = b.Size
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return transport.CheckError(resp, http.StatusCreated)
}

// withDigest is an upload location with ?digest= added, the URL that commits the upload.
func withDigest(loc, digest string) (string, error) {
	u, err := url.Parse(loc)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("digest", digest)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// startUpload opens an upload session and returns its location.
func (s *registryStore) startUpload(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url("blobs", "uploads/"), nil)
	if err != nil {
		return "", err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return "", err
	}
	return nextLocation(resp, http.StatusAccepted)
}

// nextLocation checks the status and resolves the Location header against the request URL.
func nextLocation(resp *http.Response, codes ...int) (string, error) {
	defer resp.Body.Close()
	if err := transport.CheckError(resp, codes...); err != nil {
		return "", err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	loc := resp.Header.Get("Location")
	if loc == "" {
		return "", fmt.Errorf("%s %s: the registry sent no Location header", resp.Request.Method, resp.Request.URL.Path)
	}
	u, err := resp.Request.URL.Parse(loc)
	if err != nil {
		return "", fmt.Errorf("%s %s: bad Location header: %v", resp.Request.Method, resp.Request.URL.Path, err)
	}
	return u.String(), nil
}

// haveBlob asks whether the repository holds blob d.
func (s *registryStore) haveBlob(ctx context.Context, d string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, s.url("blobs", d), nil)
	if err != nil {
		return false, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		return true, nil
	case http.StatusNotFound:
		return false, nil
	}
	return false, transport.CheckError(resp, http.StatusOK, http.StatusNotFound)
}

func (s *registryStore) pushManifest(ctx context.Context, tag string, raw []byte, d digest.Digest) (string, error) {
	if err := s.connect(ctx, true); err != nil {
		return "", err
	}
	var ref name.Reference = s.repo.Digest(d.String())
	if tag != "" {
		ref = s.repo.Tag(tag)
	}
	if s.pusher == nil {
		p, err := remote.NewPusher(remote.WithTransport(s.authed), remote.WithContext(ctx), remote.WithUserAgent(userAgent()),
			remote.WithRetryPredicate(uploadRetryable),
			remote.WithRetryBackoff(remote.Backoff{Duration: retryBaseDelay, Factor: 2, Jitter: 0.1, Steps: s.opts.retries + 1}))
		if err != nil {
			return "", err
		}
		s.pusher = p
	}
	if err := s.pusher.Put(ctx, ref, rawManifest(raw)); err != nil {
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

func (s *registryStore) fetchManifest(ctx context.Context, ident string) ([]byte, string, digest.Digest, error) {
	var none digest.Digest
	if err := s.connect(ctx, false); err != nil {
		return nil, "", none, err
	}
	var raw []byte
	var resp *http.Response
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url("manifests", ident), nil)
		if err != nil {
			return nil, "", none, err
		}
		req.Header.Set("Accept", manifestAccept)
		resp, err = s.client.Do(req)
		if err == nil {
			err = transport.CheckError(resp, http.StatusOK)
			if err == nil {
				raw, err = readManifestBody(resp)
			}
			resp.Body.Close()
		}
		if err == nil {
			break
		}
		var ce *cli.Error
		if errors.As(err, &ce) || attempt >= s.opts.retries || !s.midStream(err) {
			return nil, "", none, err
		}
		if err := sleepCtx(ctx, backoff(attempt)); err != nil {
			return nil, "", none, err
		}
	}
	d := digest.Of(raw)
	if h := strings.TrimSpace(resp.Header.Get("Docker-Content-Digest")); h != "" {
		if strings.HasPrefix(h, digest.Prefix) && !strings.EqualFold(h, d.String()) {
			return nil, "", none, cli.Failf("manifest %s on %s: the registry's Docker-Content-Digest %s does not match the body it sent, %s",
				ident, s.host, clip(h), d)
		}
	}
	return raw, mediaTypeOf(resp.Header.Get("Content-Type")), d, nil
}

// midStream: a body cut while reading (the status was fine); whole requests were already retried
// by the transport.
func (s *registryStore) midStream(err error) bool {
	var done *retriesExhausted
	return !errors.As(err, &done) && statusErrorOf(err) == nil && errors.Is(err, io.ErrUnexpectedEOF)
}

// readManifestBody reads at most oci.MaxManifestSize bytes; more is refused, not truncated.
func readManifestBody(resp *http.Response) ([]byte, error) {
	if resp.ContentLength > oci.MaxManifestSize {
		return nil, cli.Failf("manifest is %d bytes; at most %d are accepted", resp.ContentLength, oci.MaxManifestSize)
	}
	var b bytes.Buffer
	n, err := b.ReadFrom(io.LimitReader(resp.Body, oci.MaxManifestSize+1))
	if err != nil {
		return nil, err
	}
	if n > oci.MaxManifestSize {
		return nil, cli.Failf("manifest is more than %d bytes; refusing it", oci.MaxManifestSize)
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

func (s *registryStore) fetchBlob(ctx context.Context, d string, size int64) (io.ReadCloser, error) {
	if err := s.connect(ctx, false); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url("blobs", d), nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	if err := transport.CheckError(resp, http.StatusOK); err != nil {
		resp.Body.Close()
		return nil, err
	}
	if resp.ContentLength >= 0 && resp.ContentLength != size {
		resp.Body.Close()
		return nil, cli.Failf("blob %s on %s: the registry sends %d bytes; the manifest says %d", d, s.host, resp.ContentLength, size)
	}
	return resp.Body, nil
}

func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}
