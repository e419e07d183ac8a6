// Package yamlevents is a YAML event parser that reproduces libyaml 0.2.5 exactly, as shipped in
// unsafe-libyaml 0.2.11 underneath serde_yaml 0.9 (the parser the MCPG gateway uses). The event
// stream, the marks on every event and the first error (problem, problem mark, offset, context,
// context mark) are meant to be the ones libyaml reports for the same bytes, including libyaml's
// quirks: its lazy token-at-a-time scanning (a parser error on an earlier token wins over a
// scanner error further on), its simple-key staleness rules, and its 16 KiB input chunking, which
// decides when a bad byte in the input is noticed.
//
// The parser is set up as serde_yaml sets up libyaml (src/libyaml/parser.rs): the input is UTF-8
// and the encoding is given, so no byte order mark is looked for — a BOM is an ordinary character,
// which libyaml's scanner skips only at the start of a line (where it still moves the column).
//
// Marks count as libyaml does: Index is the offset in bytes from the start of the input, Line and
// Column are 0-based and Column counts characters.
package yamlevents

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Mark is a position as libyaml counts it: Index in bytes of the decoded UTF-8 text (libyaml's
// mark.index advances by each character's UTF-8 width), Line and Column 0-based, Column in
// characters.
type Mark struct{ Index, Line, Column int }

// Kind is an event type.
type Kind int

// Event kinds, in libyaml's order.
const (
	StreamStart Kind = iota
	StreamEnd
	DocumentStart
	DocumentEnd
	Alias
	Scalar
	SequenceStart
	SequenceEnd
	MappingStart
	MappingEnd
)

var kindNames = [...]string{"StreamStart", "StreamEnd", "DocumentStart", "DocumentEnd", "Alias",
	"Scalar", "SequenceStart", "SequenceEnd", "MappingStart", "MappingEnd"}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Scalar styles (libyaml's numbering).
const (
	PlainStyle        = 1
	SingleQuotedStyle = 2
	DoubleQuotedStyle = 3
	LiteralStyle      = 4
	FoldedStyle       = 5
)

// Collection styles (libyaml's numbering).
const (
	BlockStyle = 1
	FlowStyle  = 2
)

// Event is one libyaml parsing event.
type Event struct {
	Kind                          Kind
	Start, End                    Mark
	Anchor                        string // a node's anchor, or the alias's name for Alias
	Tag                           string // the resolved tag, "" if none
	Value                         string // Scalar
	Style                         int    // Scalar: PlainStyle…; collections: BlockStyle/FlowStyle
	PlainImplicit, QuotedImplicit bool   // Scalar
	Implicit                      bool   // DocumentStart/DocumentEnd/SequenceStart/MappingStart

	// tagged is set when the node had a tag, even one that resolved to "" (a verbatim tag
	// whose URI starts with %00); libyaml then reports an empty, non-null tag.
	tagged bool
}

// Error kinds (yaml_error_type_t).
const (
	ReaderError  = 2
	ScannerError = 3
	ParserError  = 4
)

// Error is libyaml's parser error. Kind: 2 reader, 3 scanner, 4 parser (yaml_error_type_t).
type Error struct {
	Kind        int
	Problem     string
	Offset      int // problem_offset (bytes; set by reader errors)
	Value       int // problem_value (reader errors; -1 when the reader has none; 0 otherwise)
	ProblemMark Mark
	Context     string // "" when none
	ContextMark Mark
}

// Error renders it as serde_yaml 0.9 prints a libyaml error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Problem)
	if e.ProblemMark.Line != 0 || e.ProblemMark.Column != 0 {
		writeAt(&b, e.ProblemMark)
	} else if e.Offset != 0 {
		b.WriteString(" at position ")
		b.WriteString(strconv.Itoa(e.Offset))
	}
	if e.Context != "" {
		b.WriteString(", ")
		b.WriteString(e.Context)
		cm, pm := e.ContextMark, e.ProblemMark
		if (cm.Line != 0 || cm.Column != 0) && (cm.Line != pm.Line || cm.Column != pm.Column) {
			writeAt(&b, cm)
		}
	}
	if b.Len() == 0 {
		return "yaml error"
	}
	return b.String()
}

func writeAt(b *strings.Builder, m Mark) {
	b.WriteString(" at line ")
	b.WriteString(strconv.Itoa(m.Line + 1))
	b.WriteString(" column ")
	b.WriteString(strconv.Itoa(m.Column + 1))
}

// NewParser reads input, the whole document text in UTF-8.
func NewParser(input []byte) *Parser {
	p := &Parser{}
	p.in = input
	p.indent = -1
	return p
}

// Next returns the next event. After StreamEnd it returns io.EOF; after an error it returns the
// same *Error again.
func (p *Parser) Next() (ev Event, err error) {
	defer func() {
		// Defensive only: the differential and fuzz tests have never reached this. A bug must
		// not take the caller down, so it becomes a (non-libyaml) parser error.
		if r := recover(); r != nil {
			p.err = &Error{Kind: ParserError, Problem: fmt.Sprintf("internal parser error: %v", r)}
			ev, err = Event{}, p.err
		}
	}()
	if p.err != nil {
		return Event{}, p.err
	}
	if p.done || p.state == stEnd || p.streamEndProduced {
		return Event{}, io.EOF
	}
	ev, ok := p.step()
	if !ok {
		if p.err == nil { // defensive: never report failure without an error
			p.err = &Error{Kind: ParserError, Problem: "internal parser error"}
		}
		return Event{}, p.err
	}
	if ev.Kind == StreamEnd {
		p.done = true
	}
	return ev, nil
}

// Parse is NewParser + Next until StreamEnd or the first error.
func Parse(input []byte) ([]Event, *Error) {
	p := NewParser(input)
	// roughly one event per dozen bytes in config-like text; avoids repeated regrowth
	evs := make([]Event, 0, min(len(input)/12+8, 1<<20))
	for {
		ev, err := p.Next()
		if err != nil {
			if e, ok := err.(*Error); ok {
				return evs, e
			}
			return evs, nil
		}
		evs = append(evs, ev)
		if ev.Kind == StreamEnd {
			return evs, nil
		}
	}
}
