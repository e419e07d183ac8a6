package cabi

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// Rust's messages, printed by rustc 1.95's core::str::from_utf8 and core::char::decode_utf16.
func TestRustUTF8Error(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "",
		"hello":            "",
		"é😀":               "",
		"\x80":             "invalid utf-8 sequence of 1 bytes from index 0",
		"\xc0\x80":         "invalid utf-8 sequence of 1 bytes from index 0",
		"\xc2":             "incomplete utf-8 byte sequence from index 0",
		"\xc2A":            "invalid utf-8 sequence of 1 bytes from index 0",
		"a\xc2\x80\xc2":    "incomplete utf-8 byte sequence from index 3",
		"\xe0\x80":         "invalid utf-8 sequence of 1 bytes from index 0",
		"\xe0\xa0":         "incomplete utf-8 byte sequence from index 0",
		"\xe0\xa0A":        "invalid utf-8 sequence of 2 bytes from index 0",
		"\xed\xa0\x80":     "invalid utf-8 sequence of 1 bytes from index 0",
		"\xed\x9f":         "incomplete utf-8 byte sequence from index 0",
		"\xf0\x8f":         "invalid utf-8 sequence of 1 bytes from index 0",
		"\xf0\x90\x80":     "incomplete utf-8 byte sequence from index 0",
		"\xf0\x90\x80A":    "invalid utf-8 sequence of 3 bytes from index 0",
		"\xf0\x90A":        "invalid utf-8 sequence of 2 bytes from index 0",
		"\xf4\x90\x80\x80": "invalid utf-8 sequence of 1 bytes from index 0",
		"\xf5\x80":         "invalid utf-8 sequence of 1 bytes from index 0",
		"\xff":             "invalid utf-8 sequence of 1 bytes from index 0",
		"AB\xe1\x80\xc0":   "invalid utf-8 sequence of 2 bytes from index 2",
		"\xee\x7f":         "invalid utf-8 sequence of 1 bytes from index 0",
	} {
		if got := rustUTF8Error([]byte(in)); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// testdata/utf8-rust.tsv holds Rust's verdicts on random byte strings.
func TestRustUTF8ErrorCorpus(t *testing.T) {
	f, err := os.Open("testdata/utf8-rust.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		h, want, ok := strings.Cut(line, "\t")
		b, err := hex.DecodeString(h)
		if !ok || err != nil {
			t.Fatalf("bad line %q", line)
		}
		if got := rustUTF8Error(b); got != want {
			t.Errorf("% x: %q, Rust says %q", b, got, want)
		}
		n++
	}
	if n < 900 {
		t.Errorf("only %d vectors", n)
	}
}

func TestDecodeUTF16(t *testing.T) {
	le := func(units ...uint16) []byte { return utf16Bytes(units) }
	for _, c := range []struct {
		in       []byte
		out, err string
	}{
		{le(), "", ""},
		{le('h', 'i'), "hi", ""},
		{le(0xD83D, 0xDE00, 0xE9), "😀é", ""},
		{le(0xD800), "", "unpaired surrogate found: d800"},
		{le(0xDC00), "", "unpaired surrogate found: dc00"},
		{le(0x41, 0xD83D), "", "unpaired surrogate found: d83d"},
		{le(0xD83D, 0x41), "", "unpaired surrogate found: d83d"},
		{le(0xD83D, 0xDE00, 0xDFFF), "", "unpaired surrogate found: dfff"},
		{le(0xDBFF, 0xDBFF), "", "unpaired surrogate found: dbff"},
		{le(0xDBFF, 0xDFFF), "\U0010FFFF", ""},
	} {
		out, problem := decodeUTF16(c.in)
		if out != c.out || problem != c.err {
			t.Errorf("% x: %q %q, want %q %q", c.in, out, problem, c.out, c.err)
		}
	}
}

func TestDecodeLatin1(t *testing.T) {
	if got := decodeLatin1([]byte{'a', 0xE9, 0x80, 0xFF, 0}); got != "aé\u0080ÿ\x00" {
		t.Errorf("%q", got)
	}
	if got := decodeLatin1([]byte("plain")); got != "plain" {
		t.Errorf("%q", got)
	}
}

func FuzzRustUTF8Error(f *testing.F) {
	for _, s := range []string{"", "a", "\xc2", "\xe0\xa0A", "\xf0\x90\x80", "é\xff"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		msg := rustUTF8Error(b)
		if (msg == "") != utf8.Valid(b) {
			t.Fatalf("% x: %q but utf8.Valid = %v", b, msg, utf8.Valid(b))
		}
		if msg == "" {
			return
		}
		// The prefix before the reported index is valid, and the reported sequence is not.
		var at, n int
		if strings.HasPrefix(msg, "incomplete") {
			_, err := fmt.Sscanf(msg, "incomplete utf-8 byte sequence from index %d", &at)
			if err != nil || !utf8.Valid(b[:at]) || utf8.FullRune(b[at:]) {
				t.Fatalf("% x: %q", b, msg)
			}
			return
		}
		if _, err := fmt.Sscanf(msg, "invalid utf-8 sequence of %d bytes from index %d", &n, &at); err != nil ||
			n < 1 || n > 3 || at+n > len(b) || !utf8.Valid(b[:at]) {
			t.Fatalf("% x: %q", b, msg)
		}
	})
}
