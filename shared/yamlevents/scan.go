package yamlevents

import "bytes"

// Scanners for the tokens that carry text: directives, anchors and aliases, tags, and the four
// kinds of scalar.

// eatLineEnd skips blanks and a comment, then requires a line break (consumed) or the end.
func (p *Parser) eatLineEnd(context string, start Mark) bool {
	if !p.need(1) {
		return false
	}
	for p.isBlank() {
		p.advance()
		if !p.need(1) {
			return false
		}
	}
	if !p.skipComment() {
		return false
	}
	if !p.isBreakZ() {
		return p.scanError(context, start, "did not find expected comment or line break")
	}
	if p.isBreak() {
		if !p.need(2) {
			return false
		}
		p.advanceBreak()
	}
	return true
}

func (p *Parser) scanDirective() bool {
	start := p.mark
	name, ok := p.indicatorWord()
	if !ok {
		return false
	}
	if len(name) == 0 {
		return p.scanError("while scanning a directive", start, "could not find expected directive name")
	}
	if !p.isBlankZ() {
		return p.scanError("while scanning a directive", start, "found unexpected non-alphabetical character")
	}
	var t token
	switch string(name) {
	case "YAML":
		major, minor, ok := p.scanVersion(start)
		if !ok {
			return false
		}
		t = token{kind: tkVersionDirective, start: start, end: p.mark, major: major, minor: minor}
	case "TAG":
		handle, prefix, ok := p.scanTagDirective(start)
		if !ok {
			return false
		}
		t = token{kind: tkTagDirective, start: start, end: p.mark, handle: handle, value: prefix}
	default:
		return p.scanError("while scanning a directive", start, "found unknown directive name")
	}
	if !p.eatLineEnd("while scanning a directive", start) {
		return false
	}
	p.push(t)
	return true
}

func (p *Parser) scanVersion(start Mark) (int, int, bool) {
	if !p.need(1) {
		return 0, 0, false
	}
	for p.isBlank() {
		p.advance()
		if !p.need(1) {
			return 0, 0, false
		}
	}
	major, ok := p.scanVersionNumber(start)
	if !ok {
		return 0, 0, false
	}
	if !p.is('.') {
		return 0, 0, p.scanError("while scanning a %YAML directive", start,
			"did not find expected digit or '.' character")
	}
	p.advance()
	minor, ok := p.scanVersionNumber(start)
	return major, minor, ok
}

func (p *Parser) scanVersionNumber(start Mark) (int, bool) {
	if !p.need(1) {
		return 0, false
	}
	n, digits := 0, 0
	for p.isDigit() {
		digits++
		if digits > 9 {
			return 0, p.scanError("while scanning a %YAML directive", start, "found extremely long version number")
		}
		n = n*10 + int(p.at(0)-'0')
		p.advance()
		if !p.need(1) {
			return 0, false
		}
	}
	if digits == 0 {
		return 0, p.scanError("while scanning a %YAML directive", start, "did not find expected version number")
	}
	return n, true
}

func (p *Parser) scanTagDirective(start Mark) (string, string, bool) {
	if !p.need(1) {
		return "", "", false
	}
	for p.isBlank() {
		p.advance()
		if !p.need(1) {
			return "", "", false
		}
	}
	handle, ok := p.scanTagHandle(true, start)
	if !ok || !p.need(1) {
		return "", "", false
	}
	if !p.isBlank() {
		return "", "", p.scanError("while scanning a %TAG directive", start, "did not find expected whitespace")
	}
	for p.isBlank() {
		p.advance()
		if !p.need(1) {
			return "", "", false
		}
	}
	prefix, ok := p.scanTagURI(true, true, "", start)
	if !ok || !p.need(1) {
		return "", "", false
	}
	if !p.isBlankZ() {
		return "", "", p.scanError("while scanning a %TAG directive", start,
			"did not find expected whitespace or line break")
	}
	return handle, prefix, true
}

func (p *Parser) scanAnchor(kind tokKind) bool {
	start := p.mark
	name, ok := p.indicatorWord()
	if !ok {
		return false
	}
	end := p.mark
	ok = len(name) > 0
	if ok && !p.isBlankZ() {
		switch p.at(0) {
		case '?', ':', ',', ']', '}', '%', '@', '`':
		default:
			ok = false
		}
	}
	if !ok {
		ctx := "while scanning an anchor"
		if kind == tkAlias {
			ctx = "while scanning an alias"
		}
		return p.scanError(ctx, start, "did not find expected alphabetic or numeric character")
	}
	p.push(token{kind: kind, start: start, end: end, value: string(name)})
	return true
}

func (p *Parser) scanTag() bool {
	start := p.mark
	if !p.need(2) {
		return false
	}
	var handle, suffix string
	if p.at(1) == '<' {
		p.advance()
		p.advance()
		s, ok := p.scanTagURI(true, false, "", start)
		if !ok {
			return false
		}
		if !p.is('>') {
			return p.scanError("while scanning a tag", start, "did not find the expected '>'")
		}
		p.advance()
		suffix = s
	} else {
		h, ok := p.scanTagHandle(false, start)
		if !ok {
			return false
		}
		if len(h) > 1 && h[0] == '!' && h[len(h)-1] == '!' {
			s, ok := p.scanTagURI(false, false, "", start)
			if !ok {
				return false
			}
			handle, suffix = h, s
		} else {
			// "!" or "!word": the handle is the primary one and what followed it is the suffix.
			s, ok := p.scanTagURI(false, false, h, start)
			if !ok {
				return false
			}
			handle, suffix = "!", s
			if suffix == "" {
				handle, suffix = "", "!"
			}
		}
	}
	if !p.need(1) {
		return false
	}
	if !p.isBlankZ() && (p.flowLevel == 0 || !p.is(',')) {
		return p.scanError("while scanning a tag", start, "did not find expected whitespace or line break")
	}
	p.push(token{kind: tkTag, start: start, end: p.mark, handle: handle, value: suffix})
	return true
}

func (p *Parser) scanTagHandle(directive bool, start Mark) (string, bool) {
	if !p.need(1) {
		return "", false
	}
	if !p.is('!') {
		ctx := "while scanning a tag"
		if directive {
			ctx = "while scanning a tag directive"
		}
		return "", p.scanError(ctx, start, "did not find expected '!'")
	}
	h := p.take(nil)
	if !p.need(1) {
		return "", false
	}
	for p.isWord() {
		h = p.take(h)
		if !p.need(1) {
			return "", false
		}
	}
	if p.is('!') {
		h = p.take(h)
	} else if directive && string(h) != "!" {
		return "", p.scanError("while parsing a tag directive", start, "did not find expected '!'")
	}
	return string(h), true
}

func isURIByte(c byte, flowChars bool) bool {
	if isWordByte(c) {
		return true
	}
	switch c {
	case ';', '/', '?', ':', '@', '&', '=', '+', '$', '.', '%', '!', '~', '*', '\'', '(', ')':
		return true
	case ',', '[', ']':
		return flowChars
	}
	return false
}

// scanTagURI reads a tag URI; head, when longer than "!", is a handle-looking prefix already
// read whose text after the '!' starts the URI.
func (p *Parser) scanTagURI(flowChars, directive bool, head string, start Mark) (string, bool) {
	n := len(head)
	var s []byte
	if n > 1 {
		s = append(s, head[1:]...)
	}
	ctx := "while parsing a tag"
	if directive {
		ctx = "while parsing a %TAG directive"
	}
	if !p.need(1) {
		return "", false
	}
	for isURIByte(p.at(0), flowChars) {
		if p.is('%') {
			var ok bool
			if s, ok = p.scanURIEscapes(ctx, start, s); !ok {
				return "", false
			}
		} else {
			s = p.take(s)
		}
		n++
		if !p.need(1) {
			return "", false
		}
	}
	if n == 0 {
		return "", p.scanError(ctx, start, "did not find expected tag URI")
	}
	// libyaml keeps tags as NUL-terminated strings, so an escaped %00 ends the URI text.
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return string(s), true
}

func (p *Parser) scanURIEscapes(ctx string, start Mark, s []byte) ([]byte, bool) {
	left := 0
	for {
		if !p.need(3) {
			return s, false
		}
		if !(p.is('%') && isHexByte(p.at(1)) && isHexByte(p.at(2))) {
			return s, p.scanError(ctx, start, "did not find URI escaped octet")
		}
		b := byte(hexVal(p.at(1))<<4 + hexVal(p.at(2)))
		if left == 0 {
			switch {
			case b&0x80 == 0:
				left = 1
			case b&0xE0 == 0xC0:
				left = 2
			case b&0xF0 == 0xE0:
				left = 3
			case b&0xF8 == 0xF0:
				left = 4
			default:
				return s, p.scanError(ctx, start, "found an incorrect leading UTF-8 octet")
			}
		} else if b&0xC0 != 0x80 {
			return s, p.scanError(ctx, start, "found an incorrect trailing UTF-8 octet")
		}
		s = append(s, b)
		p.advance()
		p.advance()
		p.advance()
		left--
		if left == 0 {
			return s, true
		}
	}
}

// ---- block scalars ----

func (p *Parser) scanBlockScalar(literal bool) bool {
	const ctx = "while scanning a block scalar"
	start := p.mark
	p.advance()
	if !p.need(1) {
		return false
	}
	chomp, incr := 0, 0
	chompSign := func() {
		if p.is('+') {
			chomp = 1
		} else {
			chomp = -1
		}
		p.advance()
	}
	if p.is('+') || p.is('-') {
		chompSign()
		if !p.need(1) {
			return false
		}
		if p.isDigit() {
			if p.is('0') {
				return p.scanError(ctx, start, "found an indentation indicator equal to 0")
			}
			incr = int(p.at(0) - '0')
			p.advance()
		}
	} else if p.isDigit() {
		if p.is('0') {
			return p.scanError(ctx, start, "found an indentation indicator equal to 0")
		}
		incr = int(p.at(0) - '0')
		p.advance()
		if !p.need(1) {
			return false
		}
		if p.is('+') || p.is('-') {
			chompSign()
		}
	}
	if !p.eatLineEnd(ctx, start) {
		return false
	}
	end := p.mark
	indent := 0
	if incr != 0 {
		if p.indent >= 0 {
			indent = p.indent + incr
		} else {
			indent = incr
		}
	}
	var text, lead, trail []byte
	if !p.blockBreaks(&indent, &trail, start, &end) || !p.need(1) {
		return false
	}
	leadBlank := false
	for p.mark.Column == indent && !p.isZAt(0) {
		tailBlank := p.isBlank()
		if !literal && len(lead) > 0 && lead[0] == '\n' && !leadBlank && !tailBlank {
			if len(trail) == 0 {
				text = append(text, ' ')
			}
		} else {
			text = append(text, lead...)
		}
		lead = lead[:0]
		text = append(text, trail...)
		trail = trail[:0]
		leadBlank = p.isBlank()
		for !p.isBreakZ() {
			text = p.take(text)
			if !p.need(1) {
				return false
			}
		}
		if !p.need(2) {
			return false
		}
		lead = p.takeBreak(lead)
		if !p.blockBreaks(&indent, &trail, start, &end) || !p.need(1) {
			return false
		}
	}
	if chomp != -1 {
		text = append(text, lead...)
	}
	if chomp == 1 {
		text = append(text, trail...)
	}
	style := FoldedStyle
	if literal {
		style = LiteralStyle
	}
	p.push(token{kind: tkScalar, start: start, end: end, value: string(text), style: style})
	return true
}

// blockBreaks eats indentation and empty lines inside a block scalar, and settles an
// auto-detected indentation.
func (p *Parser) blockBreaks(indent *int, breaks *[]byte, start Mark, end *Mark) bool {
	widest := 0
	*end = p.mark
	for {
		if !p.need(1) {
			return false
		}
		for (*indent == 0 || p.mark.Column < *indent) && p.is(' ') {
			p.advance()
			if !p.need(1) {
				return false
			}
		}
		if p.mark.Column > widest {
			widest = p.mark.Column
		}
		if (*indent == 0 || p.mark.Column < *indent) && p.is('\t') {
			return p.scanError("while scanning a block scalar", start,
				"found a tab character where an indentation space is expected")
		}
		if !p.isBreak() {
			break
		}
		if !p.need(2) {
			return false
		}
		*breaks = p.takeBreak(*breaks)
		*end = p.mark
	}
	if *indent == 0 {
		*indent = widest
		if *indent < p.indent+1 {
			*indent = p.indent + 1
		}
		if *indent < 1 {
			*indent = 1
		}
	}
	return true
}

// ---- quoted scalars ----

func (p *Parser) atDocMarker() bool {
	return p.mark.Column == 0 &&
		((p.at(0) == '-' && p.at(1) == '-' && p.at(2) == '-') ||
			(p.at(0) == '.' && p.at(1) == '.' && p.at(2) == '.')) &&
		p.isBlankZAt(3)
}

var simpleEscapes = [256]string{
	'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", '\t': "\t", 'n': "\n", 'v': "\v", 'f': "\f",
	'r': "\r", 'e': "\x1b", ' ': " ", '"': "\"", '/': "/", '\\': "\\",
	'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029",
}

func (p *Parser) scanQuoted(single bool) bool {
	const ctx = "while scanning a quoted scalar"
	quote := byte('"')
	style := DoubleQuotedStyle
	if single {
		quote, style = '\'', SingleQuotedStyle
	}
	start := p.mark
	p.advance()
	var text, lead, trail, spaces []byte
	for {
		if !p.need(4) {
			return false
		}
		if p.atDocMarker() {
			return p.scanError(ctx, start, "found unexpected document indicator")
		}
		if p.isZAt(0) {
			return p.scanError(ctx, start, "found unexpected end of stream")
		}
		if !p.need(2) {
			return false
		}
		folded := false
		for !p.isBlankZ() {
			c := p.at(0)
			if single && c == '\'' && p.at(1) == '\'' {
				text = append(text, '\'')
				p.advance()
				p.advance()
			} else if c == quote {
				break
			} else if !single && c == '\\' && p.isBreakAt(1) {
				if !p.need(3) {
					return false
				}
				p.advance()
				p.advanceBreak()
				folded = true
				break
			} else if !single && c == '\\' {
				e := p.at(1)
				digits := 0
				switch e {
				case 'x':
					digits = 2
				case 'u':
					digits = 4
				case 'U':
					digits = 8
				default:
					if simpleEscapes[e] == "" {
						return p.scanError("while parsing a quoted scalar", start, "found unknown escape character")
					}
					text = append(text, simpleEscapes[e]...)
				}
				p.advance()
				p.advance()
				if digits > 0 {
					if !p.need(digits) {
						return false
					}
					v := 0
					for k := 0; k < digits; k++ {
						if !isHexByte(p.at(k)) {
							return p.scanError("while parsing a quoted scalar", start,
								"did not find expected hexadecimal number")
						}
						v = v<<4 + hexVal(p.at(k))
					}
					if (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF {
						return p.scanError("while parsing a quoted scalar", start,
							"found invalid Unicode character escape code")
					}
					text = appendUTF8(text, rune(v))
					for k := 0; k < digits; k++ {
						p.advance()
					}
				}
			} else {
				text = p.take(text)
			}
			if !p.need(2) {
				return false
			}
		}
		if !p.need(1) {
			return false
		}
		if p.is(quote) {
			break
		}
		if !p.need(1) {
			return false
		}
		if !p.foldBlanks(&spaces, &lead, &trail, &folded, nil) {
			return false
		}
		if folded {
			text, lead, trail = joinFold(text, lead, trail)
		} else {
			text = append(text, spaces...)
			spaces = spaces[:0]
		}
	}
	p.advance()
	p.push(token{kind: tkScalar, start: start, end: p.mark, value: string(text), style: style})
	return true
}

// joinFold applies line folding: a single "\n" break between lines becomes a space, further
// empty lines are kept as line feeds; LS and PS breaks are kept verbatim.
func joinFold(text, lead, trail []byte) ([]byte, []byte, []byte) {
	if len(lead) > 0 && lead[0] == '\n' {
		if len(trail) == 0 {
			text = append(text, ' ')
		} else {
			text = append(text, trail...)
		}
	} else {
		text = append(text, lead...)
		text = append(text, trail...)
	}
	return text, lead[:0], trail[:0]
}

// ---- plain scalars ----

func (p *Parser) scanPlain() bool {
	start, end := p.mark, p.mark
	indent := p.indent + 1
	var text, lead, trail, spaces []byte
	folded := false
	for {
		if !p.need(4) {
			return false
		}
		if p.atDocMarker() || p.is('#') {
			break
		}
		for !p.isBlankZ() {
			c := p.at(0)
			if p.flowLevel != 0 && c == ':' {
				switch p.at(1) {
				case ',', '?', '[', ']', '{', '}':
					return p.scanError("while scanning a plain scalar", start, "found unexpected ':'")
				}
			}
			if (c == ':' && p.isBlankZAt(1)) ||
				(p.flowLevel != 0 && (c == ',' || c == '[' || c == ']' || c == '{' || c == '}')) {
				break
			}
			if folded || len(spaces) > 0 {
				if folded {
					text, lead, trail = joinFold(text, lead, trail)
					folded = false
				} else {
					text = append(text, spaces...)
					spaces = spaces[:0]
				}
			}
			text = p.take(text)
			end = p.mark
			if !p.need(2) {
				return false
			}
		}
		if !(p.isBlank() || p.isBreak()) {
			break
		}
		if !p.need(1) {
			return false
		}
		tabCheck := func() bool {
			if folded && p.mark.Column < indent && p.is('\t') {
				return p.scanError("while scanning a plain scalar", start,
					"found a tab character that violates indentation")
			}
			return true
		}
		if !p.foldBlanks(&spaces, &lead, &trail, &folded, tabCheck) {
			return false
		}
		if p.flowLevel == 0 && p.mark.Column < indent {
			break
		}
	}
	p.push(token{kind: tkScalar, start: start, end: end, value: string(text), style: PlainStyle})
	if folded {
		p.keyAllowed = true
	}
	return true
}

// foldBlanks consumes the blanks and line breaks inside a quoted or plain scalar: blanks before the
// first break go to spaces, the first break to lead, later breaks to trail, and blanks after a
// break are dropped. beforeBlank, if set, vets each blank first (a plain scalar refuses a tab in
// its indentation).
func (p *Parser) foldBlanks(spaces, lead, trail *[]byte, folded *bool, beforeBlank func() bool) bool {
	for p.isBlank() || p.isBreak() {
		if p.isBlank() {
			if beforeBlank != nil && !beforeBlank() {
				return false
			}
			if !*folded {
				*spaces = p.take(*spaces)
			} else {
				p.advance()
			}
		} else {
			if !p.need(2) {
				return false
			}
			if !*folded {
				*spaces = (*spaces)[:0]
				*lead = p.takeBreak(*lead)
				*folded = true
			} else {
				*trail = p.takeBreak(*trail)
			}
		}
		if !p.need(1) {
			return false
		}
	}
	return true
}

// skipComment consumes a comment, if one starts here, up to the line break.
func (p *Parser) skipComment() bool {
	if p.is('#') {
		for !p.isBreakZ() {
			p.advance()
			if !p.need(1) {
				return false
			}
		}
	}
	return true
}

// indicatorWord consumes a one-character indicator ('%', '&', '*') and the word characters after
// it, which it returns.
func (p *Parser) indicatorWord() ([]byte, bool) {
	p.advance()
	if !p.need(1) {
		return nil, false
	}
	var name []byte
	for p.isWord() {
		name = p.take(name)
		if !p.need(1) {
			return nil, false
		}
	}
	return name, true
}
