package mcpgconfig

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/yamlevents"
)

// parseLayer reads one layer's YAML into a tree, as figment's Yaml provider does: the file read as
// UTF-8 text (std::fs::read_to_string), then serde_yaml::from_str over libyaml's events.
func parseLayer(file string, data []byte) (*node, *Diagnostic) {
	if !utf8Valid(data) {
		line, col := firstBadUTF8(data)
		return nil, &Diagnostic{File: file, Line: line, Col: col, Index: -1, Message: "stream did not contain valid UTF-8"}
	}
	node, d := readDoc(file, compose(libyamlEvents(data)))
	if d != nil && d.Hint == "" && bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		d.Hint = "the file starts with a byte order mark, which the gateway's YAML reader takes for text (its first line then stands apart from the rest): save the file as UTF-8 without a BOM"
	}
	return node, d
}

// syntaxHint is our advice for the commonest YAML mistakes (never the gateway's words).
func syntaxHint(e *yamlevents.Error, data []byte) string {
	switch {
	case e.Problem == "did not find expected ',' or '}'":
		return fmt.Sprintf("the { … } opened at line %d column %d is not closed, or a ',' is missing before this", e.ContextMark.Line+1, e.ContextMark.Column+1)
	case e.Problem == "did not find expected ',' or ']'":
		return fmt.Sprintf("the [ … ] opened at line %d column %d is not closed, or a ',' is missing before this", e.ContextMark.Line+1, e.ContextMark.Column+1)
	case e.Problem == "found character that cannot start any token" && e.ProblemMark.Index < len(data) && data[e.ProblemMark.Index] == '\t':
		return "YAML indents with spaces; a tab cannot start a token"
	case e.Problem == "mapping values are not allowed in this context":
		return "a value holding ': ' must be quoted, or the line is indented too far"
	case e.Problem == "found unexpected end of stream" && strings.Contains(e.Context, "quoted scalar"):
		return fmt.Sprintf("the quote opened at line %d column %d is never closed", e.ContextMark.Line+1, e.ContextMark.Column+1)
	}
	return ""
}

// libyamlEvents feeds compose from shared/yamlevents, libyaml's parser.
func libyamlEvents(data []byte) func() (yevent, *Diagnostic) {
	p := yamlevents.NewParser(data)
	return func() (yevent, *Diagnostic) {
		ev, err := p.Next()
		if err != nil {
			var e *yamlevents.Error
			if errors.As(err, &e) {
				line, col := e.ProblemMark.Line+1, e.ProblemMark.Column+1
				if e.ProblemMark.Line == 0 && e.ProblemMark.Column == 0 && e.Offset != 0 {
					line, col = lineCol(data, e.Offset) // a reader error, placed by its byte offset
				}
				return yevent{}, &Diagnostic{Line: line, Col: col, Index: -1, syntax: true,
					Message: libyamlMessage(e.Problem, e.Offset, e.ProblemMark.Line, e.ProblemMark.Column,
						e.Context, e.ContextMark.Line, e.ContextMark.Column),
					Hint: syntaxHint(e, data)}
			}
			if errors.Is(err, io.EOF) {
				return yevent{kind: evStreamEnd}, nil
			}
			return yevent{}, &Diagnostic{Index: -1, Message: err.Error(), syntax: true}
		}
		return yevent{kind: eventKinds[ev.Kind], line: ev.Start.Line + 1, col: ev.Start.Column + 1,
			anchor: ev.Anchor, tag: ev.Tag, value: ev.Value, style: ev.Style}, nil
	}
}

var eventKinds = map[yamlevents.Kind]yeventKind{
	yamlevents.StreamStart: evStreamStart, yamlevents.StreamEnd: evStreamEnd,
	yamlevents.DocumentStart: evDocumentStart, yamlevents.DocumentEnd: evDocumentEnd,
	yamlevents.Alias: evAlias, yamlevents.Scalar: evScalar,
	yamlevents.SequenceStart: evSequenceStart, yamlevents.SequenceEnd: evSequenceEnd,
	yamlevents.MappingStart: evMappingStart, yamlevents.MappingEnd: evMappingEnd,
}
