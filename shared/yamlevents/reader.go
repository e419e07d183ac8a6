package yamlevents

// The input side. libyaml pulls the input through a 16 KiB raw window and decodes a whole window
// at a time, only when the scanner asks for more characters than are already decoded. A bad byte
// is therefore reported when the scanner first needs a character beyond the decoded text and the
// window holding that byte gets decoded — not when the scanner reaches the byte itself. This file
// models exactly that timing.

const rawWindow = 16384

type source struct {
	in     []byte
	taken  int    // input bytes moved into the raw window so far
	raw    int    // input bytes decoded so far (start of the undecoded part of the window)
	eof    bool   // the input reported end of data
	buf    []byte // decoded text (UTF-8), a NUL appended at the end of input
	pos    int    // read position of the scanner in buf
	unread int    // decoded characters not consumed yet (libyaml's parser->unread)
}

// refillWindow hands more input to the raw window, as libyaml's raw-buffer update does.
func (p *Parser) refillWindow() {
	if p.taken-p.raw == rawWindow || p.eof {
		return
	}
	n := rawWindow - (p.taken - p.raw)
	if rest := len(p.in) - p.taken; rest < n {
		n = rest
	}
	p.taken += n
	if n == 0 {
		p.eof = true
	}
}

func (p *Parser) readerError(problem string, offset, value int) bool {
	p.err = &Error{Kind: ReaderError, Problem: problem, Offset: offset, Value: value}
	return false
}

// need makes sure n characters are decoded ahead of the read position (libyaml's CACHE). It
// returns false when decoding hit a reader error.
func (p *Parser) need(n int) bool {
	if p.unread >= n {
		return true
	}
	if p.err != nil {
		return false
	}
	if p.eof && p.raw == p.taken {
		return true
	}
	if p.pos > 1<<16 && p.pos > len(p.buf)/2 {
		p.compact()
	}
	first := true
	for p.unread < n {
		if !first || p.raw == p.taken {
			p.refillWindow()
		}
		first = false
		if !p.decodeWindow() {
			return false
		}
		if p.eof {
			p.buf = append(p.buf, 0)
			p.unread++
			return true
		}
	}
	return true
}

// compact drops consumed text from the decoded buffer; marks carry absolute positions, so only
// the buffer base moves.
func (p *Parser) compact() {
	n := copy(p.buf, p.buf[p.pos:])
	p.buf = p.buf[:n]
	p.pos = 0
}

// decodeWindow decodes every complete character in the raw window.
func (p *Parser) decodeWindow() bool {
	in := p.in
	for p.raw != p.taken {
		rest := p.taken - p.raw
		var r rune
		var width int
		c := in[p.raw]
		if c < 0x80 {
			// fast path for ASCII
			if c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E) {
				p.buf = append(p.buf, c)
				p.raw++
				p.unread++
				continue
			}
			return p.readerError("control characters are not allowed", p.raw, int(c))
		}
		switch {
		case c&0xE0 == 0xC0:
			width, r = 2, rune(c&0x1F)
		case c&0xF0 == 0xE0:
			width, r = 3, rune(c&0x0F)
		case c&0xF8 == 0xF0:
			width, r = 4, rune(c&0x07)
		default:
			return p.readerError("invalid leading UTF-8 octet", p.raw, int(c))
		}
		if width > rest {
			if p.eof {
				return p.readerError("incomplete UTF-8 octet sequence", p.raw, -1)
			}
			return true
		}
		for k := 1; k < width; k++ {
			t := in[p.raw+k]
			if t&0xC0 != 0x80 {
				return p.readerError("invalid trailing UTF-8 octet", p.raw+k, int(t))
			}
			r = r<<6 | rune(t&0x3F)
		}
		if (width == 2 && r < 0x80) || (width == 3 && r < 0x800) || (width == 4 && r < 0x10000) {
			return p.readerError("invalid length of a UTF-8 sequence", p.raw, -1)
		}
		if (r >= 0xD800 && r <= 0xDFFF) || r > 0x10FFFF {
			return p.readerError("invalid Unicode character", p.raw, int(r))
		}
		if !(r == 0x09 || r == 0x0A || r == 0x0D || (r >= 0x20 && r <= 0x7E) || r == 0x85 ||
			(r >= 0xA0 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)) {
			return p.readerError("control characters are not allowed", p.raw, int(r))
		}
		p.raw += width
		p.buf = appendUTF8(p.buf, r)
		p.unread++
	}
	return true
}

// appendUTF8 encodes r without any validity filtering (escapes may produce a NUL).
func appendUTF8(b []byte, r rune) []byte {
	switch {
	case r <= 0x7F:
		return append(b, byte(r))
	case r <= 0x7FF:
		return append(b, 0xC0|byte(r>>6), 0x80|byte(r&0x3F))
	case r <= 0xFFFF:
		return append(b, 0xE0|byte(r>>12), 0x80|byte(r>>6&0x3F), 0x80|byte(r&0x3F))
	default:
		return append(b, 0xF0|byte(r>>18), 0x80|byte(r>>12&0x3F), 0x80|byte(r>>6&0x3F), 0x80|byte(r&0x3F))
	}
}
