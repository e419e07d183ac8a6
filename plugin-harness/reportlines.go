package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// The worker's report (fd 3) is read here, and the plugin runs in the worker, so the plugin can
// write to it too. Its messages are small (a registration, a few calls: kilobytes), so generous
// bounds keep the tool's memory bounded whatever arrives: one message of at most maxReportLine,
// a report of at most maxReport. Past either the run ends and the worker is killed.
const (
	maxReportLine = 16 << 20
	maxReport     = 64 << 20
)

// errReportBounds is wrapped by the errors of a report that broke its bounds.
var errReportBounds = errors.New("report bounds")

// boundsError says which bound the report broke: "a message over 16 MiB".
type boundsError struct{ what string }

func (e *boundsError) Error() string        { return e.what }
func (e *boundsError) Is(target error) bool { return target == errReportBounds }

// reportEvent is a message of the worker, or the error that ended its report.
type reportEvent struct {
	msg workerMessage
	err error
}

// reportLines splits the report into its lines (the worker writes one JSON value a line), holding
// at most one line at a time.
type reportLines struct {
	r                 *bufio.Reader
	line              []byte // reused: a message is decoded before the next is read
	maxLine, maxTotal int
	total             int
}

func newReportLines(r io.Reader, maxLine, maxTotal int) *reportLines {
	return &reportLines{r: bufio.NewReaderSize(r, 64<<10), maxLine: maxLine, maxTotal: maxTotal}
}

// next returns the next non-empty line, without its newline; a last line without one counts.
func (l *reportLines) next() ([]byte, error) {
	l.line = l.line[:0]
	for {
		frag, err := l.r.ReadSlice('\n')
		l.total += len(frag)
		if l.total > l.maxTotal {
			return nil, &boundsError{fmt.Sprintf("over %d MiB in all", l.maxTotal>>20)}
		}
		if len(l.line)+len(bytes.TrimSuffix(frag, []byte{'\n'})) > l.maxLine {
			return nil, &boundsError{fmt.Sprintf("a message over %d MiB", l.maxLine>>20)}
		}
		l.line = appendGrowing(l.line, frag, l.maxLine+1) // +1: the newline
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err != nil && (err != io.EOF || len(l.line) == 0):
			return nil, err
		}
		line := bytes.TrimSpace(l.line)
		if len(line) == 0 {
			if err != nil {
				return nil, err
			}
			l.line = l.line[:0]
			continue
		}
		return line, nil
	}
}

// appendGrowing appends frag, doubling the buffer up to limit (append's own growth would overshoot
// the limit and copy more often).
func appendGrowing(buf, frag []byte, limit int) []byte {
	if need := len(buf) + len(frag); need > cap(buf) {
		grown := make([]byte, len(buf), min(max(2*cap(buf), need, 4<<10), max(limit, need)))
		copy(grown, buf)
		buf = grown
	}
	return append(buf, frag...)
}
