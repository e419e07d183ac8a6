package faultproxy

import (
	"fmt"
	"io"
	"net/http"
	"time"
)

// Silences: a registry that accepts the connection and then stops talking. Each keeps the
// connection open and silent until the client gives up (or the test ends), so only the client's
// own timeouts end the request.

// Hang reads the whole request and never answers.
type Hang struct{}

func (Hang) name() string { return "never answer" }

func (Hang) serve(p *Proxy, w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	p.hold(r)
}

// Trickle reads the whole request and answers with headers that never end, one byte every
// Every (0: a second) — a wait no per-read deadline catches, since every read brings a byte.
type Trickle struct{ Every time.Duration }

func (t Trickle) name() string { return fmt.Sprintf("headers a byte every %s", t.every()) }

func (t Trickle) every() time.Duration {
	if t.Every <= 0 {
		return time.Second
	}
	return t.Every
}

func (t Trickle) serve(p *Proxy, w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, "faultproxy: cannot trickle: "+err.Error(), http.StatusInternalServerError)
		return
	}
	defer conn.Close()
	p.holdFunc(func() {
		head := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Faultproxy-Trickle: "
		tick := time.NewTicker(t.every())
		defer tick.Stop()
		for i := 0; ; i++ {
			b := byte('a')
			if i < len(head) {
				b = head[i]
			}
			if _, err := conn.Write([]byte{b}); err != nil {
				return // the client left
			}
			select {
			case <-tick.C:
			case <-p.closing:
				return
			}
		}
	})
}

// Stall stops a body after After bytes and keeps silent: of the request body for an upload
// (PATCH, PUT or POST with a body: the proxy stops reading, nothing is forwarded), else of the
// upstream's response body, sent with its full Content-Length.
type Stall struct{ After int64 }

func (s Stall) name() string { return fmt.Sprintf("stall after %d bytes", s.After) }

func (s Stall) serve(p *Proxy, w http.ResponseWriter, r *http.Request) {
	if r.ContentLength != 0 && r.Method != http.MethodGet && r.Method != http.MethodHead {
		io.CopyN(io.Discard, r.Body, s.After)
		p.hold(r)
		return
	}
	p.forward(w, r, func(w http.ResponseWriter, resp *http.Response) {
		w.WriteHeader(resp.StatusCode)
		io.CopyN(w, resp.Body, s.After)
		w.(http.Flusher).Flush()
		p.hold(r)
	})
}

// hold keeps the handler silent until r's client leaves or the test ends. (With an upload
// left unread, net/http cannot tell that the client left: then only the end of the test ends it.)
func (p *Proxy) hold(r *http.Request) {
	p.holdFunc(func() {
		select {
		case <-r.Context().Done():
		case <-p.closing:
		}
	})
}

// holdFunc runs f, a silence, without making the log wait for it.
func (p *Proxy) holdFunc(f func()) {
	p.mu.Lock()
	p.holding++
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.holding--
		p.mu.Unlock()
	}()
	f()
}
