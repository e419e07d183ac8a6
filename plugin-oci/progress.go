package main

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/ociclient"
)

// progress draws one self-updating line on stderr while a blob moves — only when stderr is a
// terminal; piped or redirected, nothing is printed. A nil *progress is valid and silent.
type progress struct {
	w     io.Writer
	label string
	total int64
	done  atomic.Int64
	start time.Time
	stop  chan struct{}
	wg    sync.WaitGroup
}

// progressInterval is how often the line is redrawn.
var progressInterval = 150 * time.Millisecond

// newProgress starts a bar labelled label ("pushing", "pulling") for total bytes, or returns nil
// when stderr is not a terminal or the transfer is too small to watch.
func newProgress(env *cli.Env, label string, total int64) *progress {
	if !cli.IsTerminal(env.Stderr) || env.Getenv("TERM") == "dumb" || total < 1<<20 {
		return nil
	}
	return startProgress(env.Stderr, label, total)
}

func startProgress(w io.Writer, label string, total int64) *progress {
	p := &progress{w: w, label: label, total: total, start: time.Now(), stop: make(chan struct{})}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(progressInterval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				p.draw()
			case <-p.stop:
				fmt.Fprint(p.w, "\r\033[K") // leave the line clean for what follows
				return
			}
		}
	}()
	return p
}

func (p *progress) draw() {
	n := p.done.Load()
	pct := 0
	if p.total > 0 {
		pct = int(min(n*100/p.total, 100))
	}
	rate := ""
	if secs := time.Since(p.start).Seconds(); secs > 0.2 {
		rate = fmt.Sprintf("  %s/s", humanBytes(int64(float64(n)/secs)))
	}
	fmt.Fprintf(p.w, "\r\033[K%s %s / %s %3d%%%s", p.label, humanBytes(n), humanBytes(p.total), pct, rate)
}

// set records how many bytes are done (a retry starts again from 0).
func (p *progress) set(n int64) {
	if p != nil {
		p.done.Store(n)
	}
}

func (p *progress) add(n int64) {
	if p != nil {
		p.done.Add(n)
	}
}

// finish removes the line.
func (p *progress) finish() {
	if p == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
}

// reader counts what passes through r into the bar; with no bar it returns r itself, so a plain
// *os.File keeps its zero-copy paths.
func (p *progress) reader(rc io.ReadCloser) io.ReadCloser {
	if p == nil {
		return rc
	}
	p.set(0)
	return &countingReader{rc: rc, p: p}
}

type countingReader struct {
	rc io.ReadCloser
	p  *progress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.rc.Read(b)
	c.p.add(int64(n))
	return n, err
}

func (c *countingReader) Close() error { return c.rc.Close() }

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// progressFor makes the library's transfers draw a bar on env's stderr when it is a terminal.
func progressFor(env *cli.Env) func(label string, total int64) ociclient.Progress {
	return func(label string, total int64) ociclient.Progress {
		if p := newProgress(env, label, total); p != nil {
			return p
		}
		return nil
	}
}

// Reader and Finish make a bar an ociclient.Progress.
func (p *progress) Reader(rc io.ReadCloser) io.ReadCloser { return p.reader(rc) }
func (p *progress) Finish()                               { p.finish() }
