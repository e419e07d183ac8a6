package ociclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/mcpg-dev/mcpg-plugins/shared/retry"
)

// PushBlob uploads b as the distribution spec's POST, one streamed PATCH, PUT ?digest= — the
// same requests as ggcr and crane — but b's digest may still be being computed: the bytes go out
// while the hash runs, and only the final PUT needs it. A blob the repository already has is not
// sent again: checked up front when the digest is known, else as soon as it is, cancelling the
// upload in flight.
func (s *Registry) PushBlob(ctx context.Context, b Blob) error {
	if err := s.connect(ctx, true); err != nil {
		return err
	}
	if b.Digest == "" && b.Pending != nil && b.Pending.known {
		b.Digest = b.Pending.d.String()
	}
	if b.Digest != "" {
		if have, err := s.haveBlob(ctx, b.Digest); err != nil || have {
			return err
		}
	}
	policy := s.cfg.retryPolicy()
	policy.Retryable = func(err error) bool { return uploadRetryable(err) && ctx.Err() == nil }
	return policy.Do(ctx, func(retry.Attempt) error {
		if err := s.uploadOnce(ctx, b); !errors.Is(err, errBlobExists) {
			return err
		}
		return nil
	})
}

var errBlobExists = errors.New("the registry already has the blob")

func (s *Registry) uploadOnce(ctx context.Context, b Blob) (rerr error) {
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
	if b.Digest == "" && b.Pending != nil {
		go func() {
			d, err := b.Pending.Wait(patchCtx)
			if err != nil {
				return
			}
			if have, err := s.haveBlob(patchCtx, d.String()); err == nil && have {
				exists.Store(true)
				cancel()
			}
		}()
	}
	resp, err := s.sendBlob(patchCtx, http.MethodPatch, loc, b)
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
		dd, err := b.Pending.Wait(ctx)
		if err != nil {
			return err
		}
		d = dd.String()
	}
	commit, err := withDigest(loc, d)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, commit, nil)
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
func (s *Registry) putMonolithic(ctx context.Context, loc string, b Blob) error {
	commit, err := withDigest(loc, b.Digest)
	if err != nil {
		return err
	}
	resp, err := s.sendBlob(ctx, http.MethodPut, commit, b)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return transport.CheckError(resp, http.StatusCreated)
}

// sendBlob sends b's content as the body of a request.
func (s *Registry) sendBlob(ctx context.Context, method, url string, b Blob) (*http.Response, error) {
	body, err := b.Open()
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		body.Close()
		return nil, err
	}
	req.ContentLength = b.Size
	req.Header.Set("Content-Type", "application/octet-stream")
	return s.client.Do(req)
}

// send makes a request without a body.
func (s *Registry) send(ctx context.Context, method, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return nil, err
	}
	return s.client.Do(req)
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
func (s *Registry) startUpload(ctx context.Context) (string, error) {
	resp, err := s.send(ctx, http.MethodPost, s.url("blobs", "uploads/"))
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
func (s *Registry) haveBlob(ctx context.Context, d string) (bool, error) {
	resp, err := s.send(ctx, http.MethodHead, s.url("blobs", d))
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
