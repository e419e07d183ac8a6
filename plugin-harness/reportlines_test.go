package main

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReportLines(t *testing.T) {
	read := func(input string, maxLine, maxTotal int) (lines []string, err error) {
		l := newReportLines(strings.NewReader(input), maxLine, maxTotal)
		for {
			line, err := l.next()
			if err != nil {
				return lines, err
			}
			lines = append(lines, string(line))
		}
	}
	lines, err := read("{\"a\":1}\n\n  \n{\"b\":2}\n{\"c\":3}", 16, 100)
	if err != io.EOF || strings.Join(lines, "|") != `{"a":1}|{"b":2}|{"c":3}` {
		t.Errorf("got %q, %v", lines, err)
	}
	// A line of exactly maxLine bytes passes; one more byte is refused, before the rest is read.
	lines, err = read(strings.Repeat("x", 16)+"\n"+strings.Repeat("y", 17)+"\n", 16, 100)
	if !errors.Is(err, errReportBounds) || len(lines) != 1 || err.Error() != "a message over 0 MiB" {
		t.Errorf("got %q, %v", lines, err)
	}
	lines, err = read(strings.Repeat("x", 1<<20+1), 1<<20, 8<<20)
	if !errors.Is(err, errReportBounds) || err.Error() != "a message over 1 MiB" {
		t.Errorf("got %d lines, %v", len(lines), err)
	}
	// Small lines, too many of them.
	lines, err = read(strings.Repeat("{\"phase\":\"x\"}\n", 1<<17), 1<<20, 1<<20)
	if !errors.Is(err, errReportBounds) || err.Error() != "over 1 MiB in all" || len(lines) != (1<<20)/14 {
		t.Errorf("got %d lines, %v", len(lines), err)
	}
}
