package yamlevents

// The parser: an explicit state machine over the token stream (no recursion), producing one
// event per call, in libyaml's grammar with libyaml's marks and error reports.

type pstate int

const (
	stStreamStart pstate = iota
	stImplicitDocStart
	stDocStart
	stDocContent
	stDocEnd
	stBlockNode
	stBlockNodeOrIndentless
	stFlowNode
	stBlockSeqFirst
	stBlockSeqEntry
	stIndentlessEntry
	stBlockMapFirstKey
	stBlockMapKey
	stBlockMapValue
	stFlowSeqFirst
	stFlowSeqEntry
	stFlowSeqPairKey
	stFlowSeqPairValue
	stFlowSeqPairEnd
	stFlowMapFirstKey
	stFlowMapKey
	stFlowMapValue
	stFlowMapEmptyValue
	stEnd
)

type tagDirective struct{ handle, prefix string }

// Parser produces libyaml's events for one input.
type Parser struct {
	lexer
	state  pstate
	states []pstate
	marks  []Mark
	tags   []tagDirective
	done   bool
}

func (p *Parser) parseError(context string, contextMark Mark, problem string, problemMark Mark) bool {
	p.err = &Error{Kind: ParserError, Context: context, ContextMark: contextMark,
		Problem: problem, ProblemMark: problemMark}
	return false
}

func (p *Parser) popState() pstate {
	s := p.states[len(p.states)-1]
	p.states = p.states[:len(p.states)-1]
	return s
}

func (p *Parser) popMark() Mark {
	m := p.marks[len(p.marks)-1]
	p.marks = p.marks[:len(p.marks)-1]
	return m
}

func emptyScalar(m Mark) Event {
	return Event{Kind: Scalar, Start: m, End: m, Style: PlainStyle, PlainImplicit: true}
}

func (p *Parser) step() (Event, bool) {
	switch p.state {
	case stStreamStart:
		t := p.peekToken()
		if t == nil {
			return Event{}, false
		}
		if t.kind != tkStreamStart {
			return Event{}, p.parseError("", Mark{}, "did not find expected <stream-start>", t.start)
		}
		p.state = stImplicitDocStart
		ev := Event{Kind: StreamStart, Start: t.start, End: t.start}
		p.skipToken()
		return ev, true
	case stImplicitDocStart:
		return p.documentStart(true)
	case stDocStart:
		return p.documentStart(false)
	case stDocContent:
		t := p.peekToken()
		if t == nil {
			return Event{}, false
		}
		switch t.kind {
		case tkVersionDirective, tkTagDirective, tkDocumentStart, tkDocumentEnd, tkStreamEnd:
			p.state = p.popState()
			return emptyScalar(t.start), true
		}
		return p.node(true, false)
	case stDocEnd:
		t := p.peekToken()
		if t == nil {
			return Event{}, false
		}
		ev := Event{Kind: DocumentEnd, Start: t.start, End: t.start, Implicit: true}
		if t.kind == tkDocumentEnd {
			ev.End = t.end
			ev.Implicit = false
			p.skipToken()
		}
		p.tags = p.tags[:0]
		p.state = stDocStart
		return ev, true
	case stBlockNode:
		return p.node(true, false)
	case stBlockNodeOrIndentless:
		return p.node(true, true)
	case stFlowNode:
		return p.node(false, false)
	case stBlockSeqFirst, stBlockSeqEntry:
		return p.blockSequenceEntry(p.state == stBlockSeqFirst)
	case stIndentlessEntry:
		return p.indentlessEntry()
	case stBlockMapFirstKey, stBlockMapKey:
		return p.blockMappingKey(p.state == stBlockMapFirstKey)
	case stBlockMapValue:
		return p.blockMappingValue()
	case stFlowSeqFirst, stFlowSeqEntry:
		return p.flowSequenceEntry(p.state == stFlowSeqFirst)
	case stFlowSeqPairKey:
		t := p.peekToken()
		if t == nil {
			return Event{}, false
		}
		if t.kind != tkValue && t.kind != tkFlowEntry && t.kind != tkFlowSequenceEnd {
			p.states = append(p.states, stFlowSeqPairValue)
			return p.node(false, false)
		}
		// libyaml consumes the token here, whichever of the three it is.
		m := t.end
		p.skipToken()
		p.state = stFlowSeqPairValue
		return emptyScalar(m), true
	case stFlowSeqPairValue:
		t := p.peekToken()
		if t == nil {
			return Event{}, false
		}
		if t.kind == tkValue {
			p.skipToken()
			if t = p.peekToken(); t == nil {
				return Event{}, false
			}
			if t.kind != tkFlowEntry && t.kind != tkFlowSequenceEnd {
				p.states = append(p.states, stFlowSeqPairEnd)
				return p.node(false, false)
			}
		}
		p.state = stFlowSeqPairEnd
		return emptyScalar(t.start), true
	case stFlowSeqPairEnd:
		t := p.peekToken()
		if t == nil {
			return Event{}, false
		}
		p.state = stFlowSeqEntry
		return Event{Kind: MappingEnd, Start: t.start, End: t.start}, true
	case stFlowMapFirstKey, stFlowMapKey:
		return p.flowMappingKey(p.state == stFlowMapFirstKey)
	case stFlowMapValue, stFlowMapEmptyValue:
		return p.flowMappingValue(p.state == stFlowMapEmptyValue)
	}
	return Event{}, false
}

func (p *Parser) documentStart(implicit bool) (Event, bool) {
	t := p.peekToken()
	if t == nil {
		return Event{}, false
	}
	if !implicit {
		for t.kind == tkDocumentEnd {
			p.skipToken()
			if t = p.peekToken(); t == nil {
				return Event{}, false
			}
		}
	}
	if implicit && t.kind != tkVersionDirective && t.kind != tkTagDirective &&
		t.kind != tkDocumentStart && t.kind != tkStreamEnd {
		if !p.directives() {
			return Event{}, false
		}
		p.states = append(p.states, stDocEnd)
		p.state = stBlockNode
		return Event{Kind: DocumentStart, Start: t.start, End: t.start, Implicit: true}, true
	}
	if t.kind != tkStreamEnd {
		start := t.start
		if !p.directives() {
			return Event{}, false
		}
		if t = p.peekToken(); t == nil {
			return Event{}, false
		}
		if t.kind != tkDocumentStart {
			return Event{}, p.parseError("", Mark{}, "did not find expected <document start>", t.start)
		}
		p.states = append(p.states, stDocEnd)
		p.state = stDocContent
		ev := Event{Kind: DocumentStart, Start: start, End: t.end}
		p.skipToken()
		return ev, true
	}
	p.state = stEnd
	ev := Event{Kind: StreamEnd, Start: t.start, End: t.end}
	p.skipToken()
	return ev, true
}

// directives reads %YAML and %TAG directives ahead of a document and installs the tag handles
// in force for it (the document's own, then the two defaults).
func (p *Parser) directives() bool {
	t := p.peekToken()
	if t == nil {
		return false
	}
	sawVersion := false
	for t.kind == tkVersionDirective || t.kind == tkTagDirective {
		if t.kind == tkVersionDirective {
			if sawVersion {
				return p.parseError("", Mark{}, "found duplicate %YAML directive", t.start)
			}
			if t.major != 1 || (t.minor != 1 && t.minor != 2) {
				return p.parseError("", Mark{}, "found incompatible YAML document", t.start)
			}
			sawVersion = true
		} else if !p.addTagDirective(t.handle, t.value, false, t.start) {
			return false
		}
		p.skipToken()
		if t = p.peekToken(); t == nil {
			return false
		}
	}
	return p.addTagDirective("!", "!", true, t.start) &&
		p.addTagDirective("!!", "tag:yaml.org,2002:", true, t.start)
}

func (p *Parser) addTagDirective(handle, prefix string, allowDup bool, m Mark) bool {
	for _, d := range p.tags {
		if d.handle == handle {
			if allowDup {
				return true
			}
			return p.parseError("", Mark{}, "found duplicate %TAG directive", m)
		}
	}
	p.tags = append(p.tags, tagDirective{handle, prefix})
	return true
}

// nodeOrEmpty consumes the indicator at the head of the queue ("-", "?", ":"), then parses the node
// after it, or, when the next token is one of ends, gives an empty scalar where the indicator
// ends; either way the parser goes on in state next.
func (p *Parser) nodeOrEmpty(next pstate, block, indentless bool, ends ...tokKind) (Event, bool) {
	m := p.peekToken().end
	p.skipToken()
	t := p.peekToken()
	if t == nil {
		return Event{}, false
	}
	for _, k := range ends {
		if t.kind == k {
			p.state = next
			return emptyScalar(m), true
		}
	}
	p.states = append(p.states, next)
	return p.node(block, indentless)
}

func (p *Parser) node(block, indentless bool) (Event, bool) {
	t := p.peekToken()
	if t == nil {
		return Event{}, false
	}
	if t.kind == tkAlias {
		p.state = p.popState()
		ev := Event{Kind: Alias, Start: t.start, End: t.end, Anchor: t.value}
		p.skipToken()
		return ev, true
	}
	start, end := t.start, t.start
	var anchor, handle, suffix string
	hasAnchor, hasTag := false, false
	var tagMark Mark
	takeAnchor := func() bool {
		anchor, hasAnchor = t.value, true
		end = t.end
		p.skipToken()
		t = p.peekToken()
		return t != nil
	}
	takeTag := func() bool {
		handle, suffix, hasTag = t.handle, t.value, true
		tagMark = t.start
		end = t.end
		p.skipToken()
		t = p.peekToken()
		return t != nil
	}
	if t.kind == tkAnchor {
		start = t.start
		if !takeAnchor() {
			return Event{}, false
		}
		if t.kind == tkTag && !takeTag() {
			return Event{}, false
		}
	} else if t.kind == tkTag {
		start = t.start
		if !takeTag() {
			return Event{}, false
		}
		if t.kind == tkAnchor && !takeAnchor() {
			return Event{}, false
		}
	}
	tag := ""
	if hasTag {
		if handle == "" {
			tag = suffix
		} else {
			found := false
			for _, d := range p.tags {
				if d.handle == handle {
					tag, found = d.prefix+suffix, true
					break
				}
			}
			if !found {
				return Event{}, p.parseError("while parsing a node", start, "found undefined tag handle", tagMark)
			}
		}
	}
	implicit := tag == ""
	if indentless && t.kind == tkBlockEntry {
		p.state = stIndentlessEntry
		return Event{Kind: SequenceStart, Start: start, End: t.end, Anchor: anchor, Tag: tag, tagged: hasTag,
			Implicit: implicit, Style: BlockStyle}, true
	}
	switch t.kind {
	case tkScalar:
		ev := Event{Kind: Scalar, Start: start, End: t.end, Anchor: anchor, Tag: tag, tagged: hasTag, Value: t.value, Style: t.style}
		if (t.style == PlainStyle && !hasTag) || (hasTag && tag == "!") {
			ev.PlainImplicit = true
		} else if !hasTag {
			ev.QuotedImplicit = true
		}
		p.state = p.popState()
		p.skipToken()
		return ev, true
	case tkFlowSequenceStart:
		p.state = stFlowSeqFirst
		return Event{Kind: SequenceStart, Start: start, End: t.end, Anchor: anchor, Tag: tag, tagged: hasTag,
			Implicit: implicit, Style: FlowStyle}, true
	case tkFlowMappingStart:
		p.state = stFlowMapFirstKey
		return Event{Kind: MappingStart, Start: start, End: t.end, Anchor: anchor, Tag: tag, tagged: hasTag,
			Implicit: implicit, Style: FlowStyle}, true
	case tkBlockSequenceStart:
		if block {
			p.state = stBlockSeqFirst
			return Event{Kind: SequenceStart, Start: start, End: t.end, Anchor: anchor, Tag: tag, tagged: hasTag,
				Implicit: implicit, Style: BlockStyle}, true
		}
	case tkBlockMappingStart:
		if block {
			p.state = stBlockMapFirstKey
			return Event{Kind: MappingStart, Start: start, End: t.end, Anchor: anchor, Tag: tag, tagged: hasTag,
				Implicit: implicit, Style: BlockStyle}, true
		}
	}
	if hasAnchor || hasTag {
		p.state = p.popState()
		return Event{Kind: Scalar, Start: start, End: end, Anchor: anchor, Tag: tag, tagged: hasTag,
			Style: PlainStyle, PlainImplicit: implicit}, true
	}
	ctx := "while parsing a flow node"
	if block {
		ctx = "while parsing a block node"
	}
	return Event{}, p.parseError(ctx, start, "did not find expected node content", t.start)
}

// openCollection records the opening token's mark (for error contexts) and consumes it.
func (p *Parser) openCollection() bool {
	t := p.peekToken()
	if t == nil {
		return false
	}
	p.marks = append(p.marks, t.start)
	p.skipToken()
	return true
}

func (p *Parser) blockSequenceEntry(first bool) (Event, bool) {
	if first && !p.openCollection() {
		return Event{}, false
	}
	t := p.peekToken()
	if t == nil {
		return Event{}, false
	}
	switch t.kind {
	case tkBlockEntry:
		return p.nodeOrEmpty(stBlockSeqEntry, true, false, tkBlockEntry, tkBlockEnd)
	case tkBlockEnd:
		return p.closeCollection(SequenceEnd, t), true
	}
	return Event{}, p.parseError("while parsing a block collection", p.popMark(),
		"did not find expected '-' indicator", t.start)
}

func (p *Parser) indentlessEntry() (Event, bool) {
	t := p.peekToken()
	if t == nil {
		return Event{}, false
	}
	if t.kind == tkBlockEntry {
		return p.nodeOrEmpty(stIndentlessEntry, true, false, tkBlockEntry, tkKey, tkValue, tkBlockEnd)
	}
	p.state = p.popState()
	return Event{Kind: SequenceEnd, Start: t.start, End: t.start}, true
}

func (p *Parser) blockMappingKey(first bool) (Event, bool) {
	if first && !p.openCollection() {
		return Event{}, false
	}
	t := p.peekToken()
	if t == nil {
		return Event{}, false
	}
	switch t.kind {
	case tkKey:
		return p.nodeOrEmpty(stBlockMapValue, true, true, tkKey, tkValue, tkBlockEnd)
	case tkBlockEnd:
		return p.closeCollection(MappingEnd, t), true
	}
	return Event{}, p.parseError("while parsing a block mapping", p.popMark(),
		"did not find expected key", t.start)
}

func (p *Parser) blockMappingValue() (Event, bool) {
	t := p.peekToken()
	if t == nil {
		return Event{}, false
	}
	if t.kind == tkValue {
		return p.nodeOrEmpty(stBlockMapKey, true, true, tkKey, tkValue, tkBlockEnd)
	}
	p.state = stBlockMapKey
	return emptyScalar(t.start), true
}

func (p *Parser) flowSequenceEntry(first bool) (Event, bool) {
	if first && !p.openCollection() {
		return Event{}, false
	}
	t := p.peekToken()
	if t == nil {
		return Event{}, false
	}
	if t.kind != tkFlowSequenceEnd {
		if !first {
			if t = p.afterComma(t, "while parsing a flow sequence", "did not find expected ',' or ']'"); t == nil {
				return Event{}, false
			}
		}
		if t.kind == tkKey {
			p.state = stFlowSeqPairKey
			ev := Event{Kind: MappingStart, Start: t.start, End: t.end, Implicit: true, Style: FlowStyle}
			p.skipToken()
			return ev, true
		}
		if t.kind != tkFlowSequenceEnd {
			p.states = append(p.states, stFlowSeqEntry)
			return p.node(false, false)
		}
	}
	return p.closeCollection(SequenceEnd, t), true
}

func (p *Parser) flowMappingKey(first bool) (Event, bool) {
	if first && !p.openCollection() {
		return Event{}, false
	}
	t := p.peekToken()
	if t == nil {
		return Event{}, false
	}
	if t.kind != tkFlowMappingEnd {
		if !first {
			if t = p.afterComma(t, "while parsing a flow mapping", "did not find expected ',' or '}'"); t == nil {
				return Event{}, false
			}
		}
		if t.kind == tkKey {
			p.skipToken()
			if t = p.peekToken(); t == nil {
				return Event{}, false
			}
			if t.kind != tkValue && t.kind != tkFlowEntry && t.kind != tkFlowMappingEnd {
				p.states = append(p.states, stFlowMapValue)
				return p.node(false, false)
			}
			p.state = stFlowMapValue
			return emptyScalar(t.start), true
		}
		if t.kind != tkFlowMappingEnd {
			p.states = append(p.states, stFlowMapEmptyValue)
			return p.node(false, false)
		}
	}
	return p.closeCollection(MappingEnd, t), true
}

func (p *Parser) flowMappingValue(empty bool) (Event, bool) {
	t := p.peekToken()
	if t == nil {
		return Event{}, false
	}
	if empty {
		p.state = stFlowMapKey
		return emptyScalar(t.start), true
	}
	if t.kind == tkValue {
		p.skipToken()
		if t = p.peekToken(); t == nil {
			return Event{}, false
		}
		if t.kind != tkFlowEntry && t.kind != tkFlowMappingEnd {
			p.states = append(p.states, stFlowMapKey)
			return p.node(false, false)
		}
	}
	p.state = stFlowMapKey
	return emptyScalar(t.start), true
}

// closeCollection ends the collection whose end token t is at the head of the queue (t is read
// before the queue moves on).
func (p *Parser) closeCollection(kind Kind, t *token) Event {
	ev := Event{Kind: kind, Start: t.start, End: t.end}
	p.state = p.popState()
	p.popMark()
	p.skipToken()
	return ev
}

// afterComma expects the ',' between two entries of a flow collection (t, at the head of the
// queue), consumes it and returns the token after it; nil when the input has failed, or when t is
// not a ',' (the parse error, in context, is then recorded).
func (p *Parser) afterComma(t *token, context, problem string) *token {
	if t.kind != tkFlowEntry {
		p.parseError(context, p.popMark(), problem, t.start)
		return nil
	}
	p.skipToken()
	return p.peekToken()
}
