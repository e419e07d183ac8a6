package descriptor

import (
	"errors"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/yamlevents"
	yaml "go.yaml.in/yaml/v3"
)

// loadDocument reads plugin.yaml as the gateway's serde_yaml reads it: libyaml's events
// (shared/yamlevents, set up as serde_yaml sets it up) composed into a node tree of the first
// document. It reports libyaml's error, an alias to no anchor, or a second document. Anchors are
// numbered as serde_yaml's loader numbers them (by the count of distinct names before each), so an
// alias resolves to the node holding its number once the document has been read.
func loadDocument(data []byte) (doc *yaml.Node, second *yaml.Node, prob *Problem) {
	p := yamlevents.NewParser(data)
	ids := map[string]int{}
	targets := map[int]*yaml.Node{}
	type alias struct {
		n  *yaml.Node
		id int
	}
	var aliases []alias
	var stack []*yaml.Node
	ended := false
	finish := func() {
		for _, a := range aliases {
			a.n.Alias = targets[a.id]
		}
	}
	add := func(n *yaml.Node, ev yamlevents.Event) {
		n.Line, n.Column = ev.Start.Line+1, ev.Start.Column+1
		if ev.Anchor != "" && n.Kind != yaml.AliasNode {
			n.Anchor = ev.Anchor
			id := len(ids)
			ids[ev.Anchor] = id
			targets[id] = n
		}
		parent := stack[len(stack)-1]
		parent.Content = append(parent.Content, n)
	}
	for {
		ev, err := p.Next()
		if err != nil {
			var e *yamlevents.Error
			if errors.As(err, &e) {
				if ended {
					// serde_yaml refuses a second document even when it does not parse
					finish()
					return doc, &yaml.Node{Line: e.ProblemMark.Line + 1}, nil
				}
				return nil, nil, &Problem{Line: e.ProblemMark.Line + 1, Msg: "invalid YAML: " + e.Error()}
			}
			finish()
			return doc, nil, nil // io.EOF: the stream is over
		}
		switch ev.Kind {
		case yamlevents.DocumentStart:
			if ended {
				finish()
				return doc, &yaml.Node{Line: ev.Start.Line + 1}, nil
			}
			doc = &yaml.Node{Kind: yaml.DocumentNode, Line: ev.Start.Line + 1, Column: ev.Start.Column + 1}
			stack = []*yaml.Node{doc}
		case yamlevents.DocumentEnd:
			ended = true
		case yamlevents.StreamEnd:
			finish()
			return doc, nil, nil
		case yamlevents.Alias:
			id, ok := ids[ev.Anchor]
			if !ok {
				return nil, nil, &Problem{Line: ev.Start.Line + 1,
					Msg: "invalid YAML: alias *" + clip(ev.Anchor) + " refers to no anchor (&" + clip(ev.Anchor) + ")"}
			}
			n := &yaml.Node{Kind: yaml.AliasNode, Value: ev.Anchor}
			aliases = append(aliases, alias{n, id})
			add(n, ev)
		case yamlevents.Scalar:
			n := &yaml.Node{Kind: yaml.ScalarNode, Value: ev.Value}
			setTag(n, ev, "!!str")
			switch ev.Style {
			case yamlevents.SingleQuotedStyle:
				n.Style |= yaml.SingleQuotedStyle
			case yamlevents.DoubleQuotedStyle:
				n.Style |= yaml.DoubleQuotedStyle
			case yamlevents.LiteralStyle:
				n.Style |= yaml.LiteralStyle
			case yamlevents.FoldedStyle:
				n.Style |= yaml.FoldedStyle
			}
			add(n, ev)
		case yamlevents.SequenceStart, yamlevents.MappingStart:
			n := &yaml.Node{Kind: yaml.SequenceNode}
			def := "!!seq"
			if ev.Kind == yamlevents.MappingStart {
				n.Kind, def = yaml.MappingNode, "!!map"
			}
			setTag(n, ev, def)
			if ev.Style == yamlevents.FlowStyle {
				n.Style |= yaml.FlowStyle
			}
			add(n, ev)
			stack = append(stack, n)
		case yamlevents.SequenceEnd, yamlevents.MappingEnd:
			stack = stack[:len(stack)-1]
		}
	}
}

// setTag gives n the tag written in the source, shortened as yaml.v3 shortens it and marked
// TaggedStyle, or def when none was written. The non-specific "!" stays unmarked, as yaml.v3
// leaves it.
func setTag(n *yaml.Node, ev yamlevents.Event, def string) {
	switch t := ev.Tag; {
	case t == "":
		n.Tag = def
	case t == "!":
		n.Tag = "!"
	case strings.HasPrefix(t, "tag:yaml.org,2002:"):
		n.Tag, n.Style = "!!"+strings.TrimPrefix(t, "tag:yaml.org,2002:"), n.Style|yaml.TaggedStyle
	default:
		n.Tag, n.Style = t, n.Style|yaml.TaggedStyle
	}
}
