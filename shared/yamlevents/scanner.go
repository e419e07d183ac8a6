package yamlevents

// The scanner: turns decoded text into tokens, one fetch at a time, with libyaml's rules for
// simple keys (a key is only known to be a key once its ':' turns up, so its KEY token and any
// BLOCK-MAPPING-START are inserted back into the queue), indentation levels, and the lookahead
// amounts that decide when the reader is asked for more text.

type tokKind int

const (
	tkStreamStart tokKind = iota
	tkStreamEnd
	tkVersionDirective
	tkTagDirective
	tkDocumentStart
	tkDocumentEnd
	tkBlockSequenceStart
	tkBlockMappingStart
	tkBlockEnd
	tkFlowSequenceStart
	tkFlowSequenceEnd
	tkFlowMappingStart
	tkFlowMappingEnd
	tkBlockEntry
	tkFlowEntry
	tkKey
	tkValue
	tkAlias
	tkAnchor
	tkTag
	tkScalar
)

type token struct {
	kind         tokKind
	start, end   Mark
	value        string // scalar text, anchor/alias name, tag suffix, %TAG prefix
	handle       string // tag handle, %TAG handle
	style        int
	major, minor int
}

// keyCandidate is a place where a simple key may have started.
type keyCandidate struct {
	possible bool
	required bool
	tokenNo  int // number of the token the key would be inserted before
	mark     Mark
}

type lexer struct {
	source
	mark Mark
	err  *Error

	started           bool
	streamEndProduced bool
	flowLevel         int
	queue             []token
	head              int
	tokensTaken       int // tokens handed to the parser
	tokenReady        bool

	indent  int
	indents []int

	keyAllowed bool
	keys       []keyCandidate // one slot per flow level (plus the block level)
	// live lists the slots whose candidate is possible, in slot order. A candidate can only be
	// made possible in the top slot, so the list stays sorted, and candidates further up were
	// saved later: their marks and token numbers only grow along the list. Staleness (an older
	// line, or more than 1024 bytes back) is therefore always a prefix of the list, and only the
	// first entry can be waiting for the token about to be handed out.
	live     []int
	liveHead int
}

// ---- character classes on the decoded buffer (byte offsets, as libyaml checks them) ----

func (p *Parser) at(k int) byte {
	if i := p.pos + k; i < len(p.buf) {
		return p.buf[i]
	}
	return 0
}

func (p *Parser) is(c byte) bool { return p.at(0) == c }

func (p *Parser) isZAt(k int) bool     { return p.at(k) == 0 }
func (p *Parser) isBlankAt(k int) bool { c := p.at(k); return c == ' ' || c == '\t' }
func (p *Parser) isBreakAt(k int) bool {
	switch p.at(k) {
	case '\r', '\n':
		return true
	case 0xC2:
		return p.at(k+1) == 0x85
	case 0xE2:
		return p.at(k+1) == 0x80 && (p.at(k+2) == 0xA8 || p.at(k+2) == 0xA9)
	}
	return false
}
func (p *Parser) isBreakZAt(k int) bool { return p.isBreakAt(k) || p.isZAt(k) }
func (p *Parser) isBlankZAt(k int) bool { return p.isBlankAt(k) || p.isBreakZAt(k) }

func (p *Parser) isBlank() bool  { return p.isBlankAt(0) }
func (p *Parser) isBreak() bool  { return p.isBreakAt(0) }
func (p *Parser) isBreakZ() bool { return p.isBreakZAt(0) }
func (p *Parser) isBlankZ() bool { return p.isBlankZAt(0) }

func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || c == '-'
}

func (p *Parser) isWord() bool  { return isWordByte(p.at(0)) }
func (p *Parser) isDigit() bool { c := p.at(0); return c >= '0' && c <= '9' }

func isHexByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f'
}

func hexVal(c byte) int {
	switch {
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return int(c - '0')
}

func (p *Parser) charWidth() int {
	c := p.at(0)
	switch {
	case c&0x80 == 0:
		return 1
	case c&0xE0 == 0xC0:
		return 2
	case c&0xF0 == 0xE0:
		return 3
	case c&0xF8 == 0xF0:
		return 4
	}
	return 0
}

// ---- moving through the text ----

func (p *Parser) advance() {
	w := p.charWidth()
	p.mark.Index += w
	p.mark.Column++
	p.unread--
	p.pos += w
}

func (p *Parser) advanceBreak() {
	if p.at(0) == '\r' && p.at(1) == '\n' {
		p.mark.Index += 2
		p.mark.Column = 0
		p.mark.Line++
		p.unread -= 2
		p.pos += 2
	} else if p.isBreak() {
		w := p.charWidth()
		p.mark.Index += w
		p.mark.Column = 0
		p.mark.Line++
		p.unread--
		p.pos += w
	}
}

// take appends the current character to dst and moves past it.
func (p *Parser) take(dst []byte) []byte {
	w := p.charWidth()
	dst = append(dst, p.buf[p.pos:p.pos+w]...)
	p.mark.Index += w
	p.mark.Column++
	p.unread--
	p.pos += w
	return dst
}

// takeBreak appends the current line break to dst, normalised as libyaml does (CR, LF, CRLF and
// NEL become "\n"; LS and PS are kept), and moves past it.
func (p *Parser) takeBreak(dst []byte) []byte {
	c := p.at(0)
	switch {
	case c == '\r' && p.at(1) == '\n':
		dst = append(dst, '\n')
		p.pos += 2
		p.mark.Index += 2
		p.unread -= 2
	case c == '\r' || c == '\n':
		dst = append(dst, '\n')
		p.pos++
		p.mark.Index++
		p.unread--
	case c == 0xC2 && p.at(1) == 0x85:
		dst = append(dst, '\n')
		p.pos += 2
		p.mark.Index += 2
		p.unread--
	case c == 0xE2 && p.at(1) == 0x80 && (p.at(2) == 0xA8 || p.at(2) == 0xA9):
		dst = append(dst, p.buf[p.pos:p.pos+3]...)
		p.pos += 3
		p.mark.Index += 3
		p.unread--
	default:
		return dst
	}
	p.mark.Column = 0
	p.mark.Line++
	return dst
}

func (p *Parser) scanError(context string, contextMark Mark, problem string) bool {
	p.err = &Error{Kind: ScannerError, Context: context, ContextMark: contextMark,
		Problem: problem, ProblemMark: p.mark}
	return false
}

// ---- the token queue ----

func (p *Parser) queued() int { return len(p.queue) - p.head }

func (p *Parser) push(t token) { p.queue = append(p.queue, t) }

// insertAt puts t at queue position i (counted from the head).
func (p *Parser) insertAt(i int, t token) {
	at := p.head + i
	p.queue = append(p.queue, token{})
	copy(p.queue[at+1:], p.queue[at:])
	p.queue[at] = t
}

// peekToken is libyaml's PEEK_TOKEN: nil on error.
func (p *Parser) peekToken() *token {
	if !p.tokenReady && !p.fetchMore() {
		return nil
	}
	return &p.queue[p.head]
}

func (p *Parser) skipToken() {
	p.tokenReady = false
	p.tokensTaken++
	p.streamEndProduced = p.queue[p.head].kind == tkStreamEnd
	p.queue[p.head] = token{}
	p.head++
	if p.head == len(p.queue) {
		p.queue = p.queue[:0]
		p.head = 0
	} else if p.head >= 1024 && p.head*2 >= len(p.queue) {
		n := copy(p.queue, p.queue[p.head:])
		clear(p.queue[n:])
		p.queue = p.queue[:n]
		p.head = 0
	}
}

func (p *Parser) fetchMore() bool {
	for {
		more := false
		if p.queued() == 0 {
			more = true
		} else {
			if !p.staleKeys() {
				return false
			}
			if p.liveHead < len(p.live) && p.keys[p.live[p.liveHead]].tokenNo == p.tokensTaken {
				more = true
			}
		}
		if !more {
			break
		}
		if !p.fetchToken() {
			return false
		}
	}
	p.tokenReady = true
	return true
}

func (p *Parser) fetchToken() bool {
	if !p.need(1) {
		return false
	}
	if !p.started {
		p.fetchStreamStart()
		return true
	}
	if !p.skipToToken() || !p.staleKeys() {
		return false
	}
	p.unrollIndent(p.mark.Column)
	if !p.need(4) {
		return false
	}
	c := p.at(0)
	col0 := p.mark.Column == 0
	switch {
	case c == 0:
		return p.fetchStreamEnd()
	case col0 && c == '%':
		return p.fetchDirective()
	case col0 && c == '-' && p.at(1) == '-' && p.at(2) == '-' && p.isBlankZAt(3):
		return p.fetchDocIndicator(tkDocumentStart)
	case col0 && c == '.' && p.at(1) == '.' && p.at(2) == '.' && p.isBlankZAt(3):
		return p.fetchDocIndicator(tkDocumentEnd)
	case c == '[':
		return p.fetchFlowOpen(tkFlowSequenceStart)
	case c == '{':
		return p.fetchFlowOpen(tkFlowMappingStart)
	case c == ']':
		return p.fetchFlowClose(tkFlowSequenceEnd)
	case c == '}':
		return p.fetchFlowClose(tkFlowMappingEnd)
	case c == ',':
		return p.fetchFlowEntry()
	case c == '-' && p.isBlankZAt(1):
		return p.fetchBlockEntry()
	case c == '?' && (p.flowLevel != 0 || p.isBlankZAt(1)):
		return p.fetchKey()
	case c == ':' && (p.flowLevel != 0 || p.isBlankZAt(1)):
		return p.fetchValue()
	case c == '*':
		return p.fetchAnchor(tkAlias)
	case c == '&':
		return p.fetchAnchor(tkAnchor)
	case c == '!':
		return p.fetchTag()
	case c == '|' && p.flowLevel == 0:
		return p.fetchBlockScalar(true)
	case c == '>' && p.flowLevel == 0:
		return p.fetchBlockScalar(false)
	case c == '\'':
		return p.fetchQuoted(true)
	case c == '"':
		return p.fetchQuoted(false)
	}
	// A plain scalar starts with anything but an indicator; '-', '?' and ':' may start one when
	// followed by a non-space.
	plain := true
	if p.isBlankZ() {
		plain = false
	} else {
		switch c {
		case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
			plain = false
		}
	}
	if !plain {
		if c == '-' && !p.isBlankAt(1) {
			plain = true
		} else if p.flowLevel == 0 && (c == '?' || c == ':') && !p.isBlankZAt(1) {
			plain = true
		}
	}
	if plain {
		return p.fetchPlain()
	}
	return p.scanError("while scanning for the next token", p.mark,
		"found character that cannot start any token")
}

// ---- simple keys ----

func (p *Parser) staleKeys() bool {
	for p.liveHead < len(p.live) {
		k := &p.keys[p.live[p.liveHead]]
		if !(k.mark.Line < p.mark.Line || k.mark.Index+1024 < p.mark.Index) {
			break
		}
		if k.required {
			return p.scanError("while scanning a simple key", k.mark, "could not find expected ':'")
		}
		k.possible = false
		p.liveHead++
	}
	if p.liveHead == len(p.live) {
		p.live = p.live[:0]
		p.liveHead = 0
	}
	return true
}

// forgetTop takes the top slot off the live list after its candidate stopped being possible.
func (p *Parser) forgetTop() {
	top := len(p.keys) - 1
	if n := len(p.live); n > p.liveHead && p.live[n-1] == top {
		p.live = p.live[:n-1]
	}
}

func (p *Parser) saveKey() bool {
	required := p.flowLevel == 0 && p.indent == p.mark.Column
	if !p.keyAllowed {
		return true
	}
	cand := keyCandidate{possible: true, required: required,
		tokenNo: p.tokensTaken + p.queued(), mark: p.mark}
	if !p.dropKey() {
		return false
	}
	p.keys[len(p.keys)-1] = cand
	p.live = append(p.live, len(p.keys)-1)
	return true
}

func (p *Parser) dropKey() bool {
	k := &p.keys[len(p.keys)-1]
	if k.possible && k.required {
		return p.scanError("while scanning a simple key", k.mark, "could not find expected ':'")
	}
	k.possible = false
	p.forgetTop()
	return true
}

func (p *Parser) enterFlow() {
	p.keys = append(p.keys, keyCandidate{})
	p.flowLevel++
}

func (p *Parser) leaveFlow() {
	if p.flowLevel != 0 {
		p.flowLevel--
		p.keys[len(p.keys)-1].possible = false
		p.forgetTop()
		p.keys = p.keys[:len(p.keys)-1]
	}
}

// ---- indentation ----

// rollIndent opens a block collection when column is deeper than the current indentation. Its
// start token goes in front of token number `number` (a simple key found late), or at the end
// of the queue when number is -1.
func (p *Parser) rollIndent(column, number int, kind tokKind, m Mark) {
	if p.flowLevel != 0 {
		return
	}
	if p.indent < column {
		p.indents = append(p.indents, p.indent)
		p.indent = column
		t := token{kind: kind, start: m, end: m}
		if number == -1 {
			p.push(t)
		} else {
			p.insertAt(number-p.tokensTaken, t)
		}
	}
}

func (p *Parser) unrollIndent(column int) {
	if p.flowLevel != 0 {
		return
	}
	for p.indent > column {
		p.push(token{kind: tkBlockEnd, start: p.mark, end: p.mark})
		p.indent = p.indents[len(p.indents)-1]
		p.indents = p.indents[:len(p.indents)-1]
	}
}

// ---- simple fetchers ----

func (p *Parser) fetchStreamStart() {
	p.indent = -1
	p.keys = append(p.keys, keyCandidate{})
	p.keyAllowed = true
	p.started = true
	p.push(token{kind: tkStreamStart, start: p.mark, end: p.mark})
}

func (p *Parser) fetchStreamEnd() bool {
	if p.mark.Column != 0 {
		p.mark.Column = 0
		p.mark.Line++
	}
	p.unrollIndent(-1)
	if !p.dropKey() {
		return false
	}
	p.keyAllowed = false
	p.push(token{kind: tkStreamEnd, start: p.mark, end: p.mark})
	return true
}

func (p *Parser) fetchDirective() bool {
	p.unrollIndent(-1)
	if !p.dropKey() {
		return false
	}
	p.keyAllowed = false
	return p.scanDirective()
}

func (p *Parser) fetchDocIndicator(kind tokKind) bool {
	p.unrollIndent(-1)
	if !p.dropKey() {
		return false
	}
	p.keyAllowed = false
	start := p.mark
	p.advance()
	p.advance()
	p.advance()
	p.push(token{kind: kind, start: start, end: p.mark})
	return true
}

func (p *Parser) fetchFlowOpen(kind tokKind) bool {
	if !p.saveKey() {
		return false
	}
	p.enterFlow()
	p.keyAllowed = true
	return p.fetchPunct(kind)
}

func (p *Parser) fetchPunct(kind tokKind) bool {
	start := p.mark
	p.advance()
	p.push(token{kind: kind, start: start, end: p.mark})
	return true
}

func (p *Parser) fetchFlowClose(kind tokKind) bool {
	if !p.dropKey() {
		return false
	}
	p.leaveFlow()
	p.keyAllowed = false
	return p.fetchPunct(kind)
}

func (p *Parser) fetchFlowEntry() bool {
	if !p.dropKey() {
		return false
	}
	p.keyAllowed = true
	return p.fetchPunct(tkFlowEntry)
}

func (p *Parser) fetchBlockEntry() bool {
	if p.flowLevel == 0 {
		if !p.keyAllowed {
			return p.scanError("", p.mark, "block sequence entries are not allowed in this context")
		}
		p.rollIndent(p.mark.Column, -1, tkBlockSequenceStart, p.mark)
	}
	if !p.dropKey() {
		return false
	}
	p.keyAllowed = true
	return p.fetchPunct(tkBlockEntry)
}

func (p *Parser) fetchKey() bool {
	if p.flowLevel == 0 {
		if !p.keyAllowed {
			return p.scanError("", p.mark, "mapping keys are not allowed in this context")
		}
		p.rollIndent(p.mark.Column, -1, tkBlockMappingStart, p.mark)
	}
	if !p.dropKey() {
		return false
	}
	p.keyAllowed = p.flowLevel == 0
	return p.fetchPunct(tkKey)
}

func (p *Parser) fetchValue() bool {
	k := &p.keys[len(p.keys)-1]
	if k.possible {
		p.insertAt(k.tokenNo-p.tokensTaken, token{kind: tkKey, start: k.mark, end: k.mark})
		p.rollIndent(k.mark.Column, k.tokenNo, tkBlockMappingStart, k.mark)
		k.possible = false
		p.forgetTop()
		p.keyAllowed = false
	} else {
		if p.flowLevel == 0 {
			if !p.keyAllowed {
				return p.scanError("", p.mark, "mapping values are not allowed in this context")
			}
			p.rollIndent(p.mark.Column, -1, tkBlockMappingStart, p.mark)
		}
		p.keyAllowed = p.flowLevel == 0
	}
	return p.fetchPunct(tkValue)
}

func (p *Parser) fetchAnchor(kind tokKind) bool {
	if !p.saveKey() {
		return false
	}
	p.keyAllowed = false
	return p.scanAnchor(kind)
}

func (p *Parser) fetchTag() bool {
	if !p.saveKey() {
		return false
	}
	p.keyAllowed = false
	return p.scanTag()
}

func (p *Parser) fetchBlockScalar(literal bool) bool {
	if !p.dropKey() {
		return false
	}
	p.keyAllowed = true
	return p.scanBlockScalar(literal)
}

func (p *Parser) fetchQuoted(single bool) bool {
	if !p.saveKey() {
		return false
	}
	p.keyAllowed = false
	return p.scanQuoted(single)
}

func (p *Parser) fetchPlain() bool {
	if !p.saveKey() {
		return false
	}
	p.keyAllowed = false
	return p.scanPlain()
}

// skipToToken eats blanks, comments and line breaks up to the next token.
func (p *Parser) skipToToken() bool {
	for {
		if !p.need(1) {
			return false
		}
		if p.mark.Column == 0 && p.at(0) == 0xEF && p.at(1) == 0xBB && p.at(2) == 0xBF {
			p.advance()
		}
		if !p.need(1) {
			return false
		}
		for p.is(' ') || ((p.flowLevel != 0 || !p.keyAllowed) && p.is('\t')) {
			p.advance()
			if !p.need(1) {
				return false
			}
		}
		if !p.skipComment() {
			return false
		}
		if !p.isBreak() {
			return true
		}
		if !p.need(2) {
			return false
		}
		p.advanceBreak()
		if p.flowLevel == 0 {
			p.keyAllowed = true
		}
	}
}
