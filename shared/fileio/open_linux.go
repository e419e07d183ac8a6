//go:build linux

package fileio

import (
	"errors"
	"io/fs"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// openAdmitted opens name without blocking, whatever it has become since it was looked at, and
// checks again what it is, now by its descriptor. A pipe is then waited on (poll, bounded by
// PipeWait) until it has data or its end; every file is handed back in blocking mode, since a
// read of a non-blocking pipe whose writer has not yet come returns EOF, not "wait".
func openAdmitted(name string, _ fs.FileMode, what string) (*os.File, error) {
	fd, err := openNonBlocking(name)
	if err != nil {
		return nil, IOError("read", name, &fs.PathError{Op: "open", Path: name, Err: err})
	}
	keep := false
	defer func() {
		if !keep {
			unix.Close(fd)
		}
	}()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, IOError("read", name, err)
	}
	mode := fileType(st.Mode)
	if err := admit(name, mode, what); err != nil {
		return nil, err
	}
	if mode&fs.ModeNamedPipe != 0 {
		if err := waitReadable(fd, PipeWait); err != nil {
			if errors.Is(err, errTimedOut) {
				return nil, silentPipe(name)
			}
			return nil, IOError("read", name, err)
		}
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		return nil, IOError("read", name, err)
	}
	keep = true
	return os.NewFile(uintptr(fd), name), nil
}

func openNonBlocking(name string) (int, error) {
	for {
		fd, err := unix.Open(name, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

var errTimedOut = errors.New("timed out")

// waitReadable waits until a read of fd would not block: data, the writer's end (POLLHUP once a
// writer came and went) or an error the read will report.
func waitReadable(fd int, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return errTimedOut
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int((left+time.Millisecond-1)/time.Millisecond))
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return err
		case n > 0 && fds[0].Revents != 0:
			return nil
		}
	}
}

// fileType is the fs.FileMode type bits of a stat mode.
func fileType(m uint32) fs.FileMode {
	switch m & unix.S_IFMT {
	case unix.S_IFREG:
		return 0
	case unix.S_IFDIR:
		return fs.ModeDir
	case unix.S_IFIFO:
		return fs.ModeNamedPipe
	case unix.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		return fs.ModeDevice
	case unix.S_IFSOCK:
		return fs.ModeSocket
	}
	return fs.ModeIrregular
}
