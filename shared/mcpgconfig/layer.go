package mcpgconfig

import (
	"errors"
	"io"

	"github.com/mcpg-dev/mcpg-plugins/shared/yamlevents"
)

// parseLayer reads one layer's YAML into a tree, as figment's Yaml provider does: the file read as
// UTF-8 text (std::fs::read_to_string), then serde_yaml::from_str over libyaml's events.
func parseLayer(file string, data []byte) (*node, *Diagnostic) {
	if !utf8Valid(data) {
		line, col := firstBadUTF8(data)
		return nil, &Diagnostic{File: file, Line: line, Col: col, Index: -1, Message: "stream did not contain valid UTF-8"}
	}
	return readDoc(file, compose(libyamlEvents(data)))
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
						e.Context, e.ContextMark.Line, e.ContextMark.Column)}
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
