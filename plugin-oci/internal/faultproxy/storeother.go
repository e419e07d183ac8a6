package faultproxy

import (
	"bytes"
	"io"
	"net/http"
)

// StoreOther forwards an upload (a manifest PUT) with one byte added to its body — a newline, as a
// registry or proxy that re-serialises JSON might — so the registry stores other bytes than the
// client sent and answers, truthfully, with their Docker-Content-Digest. (LieDigest is the other
// way to get a foreign digest: the registry stores the right bytes and the header lies.)
type StoreOther struct{}

func (StoreOther) name() string { return "store a changed body" }

func (StoreOther) serve(p *Proxy, w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	body = append(body, '\n')
	changed := r.Clone(r.Context())
	changed.ContentLength = int64(len(body))
	resp, err := p.roundTrip(changed, r.Method, r.URL.Path, bytes.NewReader(body))
	relay(w, resp, err)
}
