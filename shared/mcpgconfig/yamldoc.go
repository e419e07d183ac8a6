package mcpgconfig

// A layer's YAML as serde_yaml 0.9's loader holds it: libyaml's parser events for the first
// document, anchors resolved, and where the events stop. serde_yaml then deserializes those events
// in order, so a problem in the events before a parse error is the one the gateway reports; the
// tree below keeps that order (a collection the events never closed is marked open, and reaching
// its end is reaching the parse error).

import (
	"fmt"
	"strings"
)

type ykind int

const (
	yScalar ykind = iota
	ySeq
	yMap
	yAlias
)

// libyaml's scalar styles.
const (
	plainStyle = 1 + iota
	singleQuotedStyle
	doubleQuotedStyle
	literalStyle
	foldedStyle
)

type ynode struct {
	kind      ykind
	tag       string // as libyaml resolves it ("tag:yaml.org,2002:str", "!foo", "!"); "" when none
	style     int    // scalars: plainStyle…
	value     string
	line, col int      // 1-based start of the node's event
	content   []*ynode // a sequence's items; a mapping's keys and values, alternating
	target    *ynode   // an alias: the anchored node
	anchorID  int      // an alias: serde_yaml's id of its anchor
	open      bool     // the events stopped before the collection's end
}

// yevent is one parser event, as much of it as serde_yaml reads.
type yevent struct {
	kind      yeventKind
	line, col int // 1-based start mark
	anchor    string
	tag       string
	value     string
	style     int
}

type yeventKind int

const (
	evStreamStart yeventKind = iota
	evStreamEnd
	evDocumentStart
	evDocumentEnd
	evAlias
	evScalar
	evSequenceStart
	evSequenceEnd
	evMappingStart
	evMappingEnd
)

// ydoc is the first document of a layer.
type ydoc struct {
	root   *ynode
	events int         // serde_yaml's event count, the base of its repetition limit
	err    *Diagnostic // the parse error where the events stop; nil when the document is whole
	// more: a second document follows, or the text after the first cannot be parsed; serde_yaml
	// refuses either once the first has been read. moreLine/moreCol: where.
	more              bool
	moreLine, moreCol int
}

// compose reads events until the first document is over (and one event past it, to know whether
// another follows) or the parser fails. next returns the next event, or the parse error as a
// diagnostic.
func compose(next func() (yevent, *Diagnostic)) *ydoc {
	doc := &ydoc{}
	// serde_yaml's loader numbers an anchor by how many distinct anchor names came before it (its
	// map's length), so a name defined again can take the number of another, and an alias jumps
	// to whichever node holds its number when the document has been read: kept as it is.
	ids := map[string]int{}
	targets := map[int]*ynode{}
	var aliases []*ynode
	anchor := func(name string, n *ynode) {
		if name == "" {
			return
		}
		id := len(ids)
		ids[name] = id
		targets[id] = n
	}
	var stack []*ynode
	ended := false
	add := func(n *ynode) {
		doc.events++
		if len(stack) == 0 {
			doc.root = n
			return
		}
		top := stack[len(stack)-1]
		top.content = append(top.content, n)
	}
	finish := func() *ydoc {
		for _, a := range aliases {
			a.target = targets[a.anchorID]
		}
		return doc
	}
	stop := func(d *Diagnostic) *ydoc {
		if ended {
			doc.more, doc.moreLine, doc.moreCol = true, d.Line, d.Col
			return finish()
		}
		doc.err = d
		for _, n := range stack {
			n.open = true
		}
		return finish()
	}
	for {
		ev, d := next()
		if d != nil {
			return stop(d)
		}
		switch ev.kind {
		case evStreamStart:
		case evStreamEnd:
			return finish()
		case evDocumentStart:
			if ended {
				doc.more, doc.moreLine, doc.moreCol = true, ev.line, ev.col
				return finish()
			}
		case evDocumentEnd:
			ended = true
		case evAlias:
			id, ok := ids[ev.anchor]
			if !ok {
				// serde_yaml's loader: ErrorImpl::UnknownAnchor(mark)
				return stop(&Diagnostic{Line: ev.line, Col: ev.col, Index: -1,
					Message: "unknown anchor" + markSuffix(ev.line, ev.col), syntax: true})
			}
			n := &ynode{kind: yAlias, anchorID: id, line: ev.line, col: ev.col}
			aliases = append(aliases, n)
			add(n)
		case evScalar:
			n := &ynode{kind: yScalar, tag: ev.tag, style: ev.style, value: ev.value, line: ev.line, col: ev.col}
			anchor(ev.anchor, n)
			add(n)
		case evSequenceStart, evMappingStart:
			n := &ynode{kind: ySeq, tag: ev.tag, line: ev.line, col: ev.col}
			if ev.kind == evMappingStart {
				n.kind = yMap
			}
			// numbered before its content: an alias inside it can refer to it (and recurse)
			anchor(ev.anchor, n)
			add(n)
			stack = append(stack, n)
		case evSequenceEnd, evMappingEnd:
			doc.events++
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
}

// libyamlMessage renders a libyaml parse error as serde_yaml 0.9 prints it: the problem, " at line L
// column C" (1-based) when the problem mark is not the very start, else " at position <offset>" when
// the byte offset is not 0; then ", <context>" and the context mark when it is not the start and
// differs from the problem mark. Marks here are libyaml's, 0-based.
func libyamlMessage(problem string, offset, pLine, pCol int, context string, cLine, cCol int) string {
	var b strings.Builder
	b.WriteString(problem)
	switch {
	case pLine != 0 || pCol != 0:
		fmt.Fprintf(&b, " at line %d column %d", pLine+1, pCol+1)
	case offset != 0:
		fmt.Fprintf(&b, " at position %d", offset)
	}
	if context != "" {
		b.WriteString(", " + context)
		if (cLine != 0 || cCol != 0) && (cLine != pLine || cCol != pCol) {
			fmt.Fprintf(&b, " at line %d column %d", cLine+1, cCol+1)
		}
	}
	return b.String()
}

// markSuffix is serde_yaml's " at line L column C" for its own errors, left out at line 1 column 1
// (libyaml's zero mark).
func markSuffix(line, col int) string {
	if line <= 1 && col <= 1 {
		return ""
	}
	return fmt.Sprintf(" at line %d column %d", line, col)
}

// lineCol is the 1-based line and column of a byte offset (for errors libyaml places by offset).
func lineCol(data []byte, offset int) (line, col int) {
	line, col = 1, 1
	for i, r := range string(data) {
		if i >= offset {
			break
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
