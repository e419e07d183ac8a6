//go:build !linux

package fileio

import (
	"io/fs"
	"os"
	"time"
)

// openAdmitted opens name. Without the non-blocking open and poll of the Linux build, only the
// wait for a pipe's writer is bounded: the open runs on a goroutine of its own and is given up
// after PipeWait (the goroutine stays blocked until a writer comes; the tool is about to exit
// with the error). A writer that opens the pipe and then never writes is not caught here.
func openAdmitted(name string, mode fs.FileMode, what string) (*os.File, error) {
	if mode&fs.ModeNamedPipe == 0 {
		f, err := os.Open(name)
		if err != nil {
			return nil, IOError("read", name, err)
		}
		if st, err := f.Stat(); err == nil {
			if err := admit(name, st.Mode(), what); err != nil {
				f.Close()
				return nil, err
			}
		}
		return f, nil
	}
	type opened struct {
		f   *os.File
		err error
	}
	done := make(chan opened, 1)
	go func() {
		f, err := os.Open(name)
		done <- opened{f, err}
	}()
	timer := time.NewTimer(PipeWait)
	defer timer.Stop()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, IOError("read", name, r.err)
		}
		return r.f, nil
	case <-timer.C:
		go func() {
			if r := <-done; r.f != nil {
				r.f.Close()
			}
		}()
		return nil, silentPipe(name)
	}
}
