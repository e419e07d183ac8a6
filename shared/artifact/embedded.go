package artifact

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/hint"
	"github.com/mcpg-dev/mcpg-plugins/shared/textclip"
)

// SchemaMarker is what every plugin.yaml contains, and so every embedded copy (docs/contract.md §8.2:
// the SDK embeds plugin.yaml verbatim with include_str!, not NUL-terminated).
const SchemaMarker = descriptor.Schema

const (
	contextBytes = 16 << 10 // kept on each side of a marker to rebuild a candidate YAML block
	maxMarkers   = 16       // markers remembered; a real plugin has one or two
)

// Embedded is what a scan found.
type Embedded struct {
	Exact      bool        // the exact bytes of the packaged plugin.yaml occur in the artifact
	Offset     int64       // offset of the exact copy, or of the first candidate; -1 if neither
	Markers    int         // occurrences of the schema id seen
	Candidates []Candidate // when not Exact: descriptor-like YAML blocks around the markers
}

// Candidate is a YAML block rebuilt around one occurrence of the schema id.
type Candidate struct {
	Offset int64
	YAML   []byte
}

// Scanner looks for an embedded plugin.yaml in a stream in one pass with bounded memory: write
// the artifact to it (alongside hashing or compression), then call Result. It searches only for
// the short schema id (fast) and keeps a little context around each hit, from which both the exact
// match and the fallback candidates are decided.
type Scanner struct {
	want          []byte
	wantAt        int // offset of the marker in want, -1 if absent
	before, after int
	pos           int64
	hist          []byte // the bytes just before pos: at least before+len(marker)-1 once available
	hits          []*hit
	markers       int
}

type hit struct {
	at, start, end int64 // marker offset; stream range [start, end) wanted as context
	ctx            []byte
}

// NewScanner returns a scanner for the packaged descriptor bytes want.
func NewScanner(want []byte) *Scanner {
	s := &Scanner{want: want, wantAt: bytes.Index(want, []byte(SchemaMarker))}
	s.before, s.after = contextBytes, contextBytes
	if s.wantAt >= 0 {
		s.before = max(s.before, s.wantAt)
		s.after = max(s.after, len(want)-s.wantAt)
	}
	return s
}

// Write consumes the next bytes of the artifact. It never fails.
func (s *Scanner) Write(p []byte) (int, error) {
	end := s.pos + int64(len(p))
	for _, h := range s.hits { // extend context of earlier hits
		if have := h.start + int64(len(h.ctx)); have < h.end {
			h.ctx = append(h.ctx, p[:min(h.end, end)-have]...)
		}
	}
	m := []byte(SchemaMarker)
	// A marker straddling the previous write and this one.
	tail := s.hist[len(s.hist)-min(len(s.hist), len(m)-1):]
	if len(tail) > 0 {
		seam := append(slices.Clone(tail), p[:min(len(p), len(m)-1)]...)
		for off := 0; ; {
			i := bytes.Index(seam[off:], m)
			if i < 0 || off+i >= len(tail) {
				break
			}
			s.addHit(s.pos-int64(len(tail)-off-i), p, end)
			off += i + 1
		}
	}
	for off := 0; ; {
		i := bytes.Index(p[off:], m)
		if i < 0 {
			break
		}
		s.addHit(s.pos+int64(off+i), p, end)
		off += i + 1
	}
	s.remember(p)
	s.pos = end
	return len(p), nil
}

func (s *Scanner) addHit(at int64, p []byte, end int64) {
	s.markers++
	if len(s.hits) >= maxMarkers {
		return
	}
	histStart := s.pos - int64(len(s.hist))
	h := &hit{at: at, start: max(at-int64(s.before), histStart), end: at + int64(s.after)}
	if h.start < s.pos { // context begins in the history
		h.ctx = append(h.ctx, s.hist[h.start-histStart:]...)
		h.ctx = append(h.ctx, p[:min(h.end, end)-s.pos]...)
	} else {
		h.ctx = append(h.ctx, p[h.start-s.pos:min(h.end, end)-s.pos]...)
	}
	s.hits = append(s.hits, h)
}

// remember keeps the last before+len(marker) bytes, compacting rarely so the cost per byte is O(1).
func (s *Scanner) remember(p []byte) {
	keep := s.before + len(SchemaMarker)
	if len(p) >= keep {
		s.hist = append(s.hist[:0], p[len(p)-keep:]...)
		return
	}
	s.hist = append(s.hist, p...)
	if len(s.hist) > 2*keep {
		n := copy(s.hist, s.hist[len(s.hist)-keep:])
		s.hist = s.hist[:n]
	}
}

// Result reports what the bytes written so far contain.
func (s *Scanner) Result() Embedded {
	e := Embedded{Offset: -1, Markers: s.markers}
	if s.wantAt >= 0 {
		for _, h := range s.hits {
			w := h.at - int64(s.wantAt) - h.start
			if w >= 0 && w+int64(len(s.want)) <= int64(len(h.ctx)) && bytes.Equal(h.ctx[w:w+int64(len(s.want))], s.want) {
				e.Exact, e.Offset = true, h.start+w
				return e
			}
		}
	}
	for _, h := range s.hits {
		if block, off, ok := yamlAround(h.ctx, int(h.at-h.start)); ok {
			c := Candidate{Offset: h.start + int64(off), YAML: block}
			if len(e.Candidates) == 0 || e.Candidates[len(e.Candidates)-1].Offset != c.Offset {
				e.Candidates = append(e.Candidates, c)
			}
		}
	}
	if len(e.Candidates) > 0 {
		e.Offset = e.Candidates[0].Offset
	}
	return e
}

// FindEmbeddedDescriptor scans r for the packaged descriptor bytes want (see Scanner).
func FindEmbeddedDescriptor(r io.Reader, want []byte) (Embedded, error) {
	s := NewScanner(want)
	if _, err := io.CopyBuffer(s, r, make([]byte, 1<<20)); err != nil {
		return Embedded{}, err
	}
	return s.Result(), nil
}

// yamlLine matches lines that can belong to a plugin.yaml: blank, comment, indented, list item,
// document marker or a top-level "key:".
var (
	yamlLine   = regexp.MustCompile(`^(|[ \t].*|#.*|-([ \t].*)?|---|\.\.\.|[A-Za-z_][A-Za-z0-9_-]*[ \t]*:([ \t].*)?)$`)
	schemaLine = regexp.MustCompile(`^schema[ \t]*:[ \t]*["']?$`)
)

func isText(c byte) bool { return c == '\t' || c == '\n' || c == '\r' || c >= 0x20 && c != 0x7f }

func yamlish(line []byte) bool {
	for _, c := range line {
		if !isText(c) {
			return false
		}
	}
	return utf8.Valid(line) && yamlLine.Match(bytes.TrimRight(line, "\r"))
}

// yamlAround rebuilds the YAML block holding the "schema: <marker>" line at ctx[m:]: whole
// descriptor-like lines before and after it, stopping at binary data or at text that cannot be
// YAML (the neighbouring string constants in .rodata).
func yamlAround(ctx []byte, m int) (block []byte, start int, ok bool) {
	ls := m
	for ls > 0 && ctx[ls-1] != '\n' && isText(ctx[ls-1]) {
		ls--
	}
	k := bytes.LastIndex(ctx[ls:m], []byte("schema"))
	if k < 0 || !schemaLine.Match(ctx[ls+k:m]) {
		return nil, 0, false // the bare constant, not a descriptor line
	}
	if k > 0 && len(bytes.TrimSpace(ctx[ls:ls+k])) == 0 {
		return nil, 0, false // indented: nested in some other document
	}
	start = ls + k
	if k == 0 { // the schema line starts a line: take the descriptor lines above it
		for start > 0 && ctx[start-1] == '\n' {
			p := start - 1
			for p > 0 && ctx[p-1] != '\n' && isText(ctx[p-1]) {
				p--
			}
			if !yamlish(ctx[p : start-1]) {
				break
			}
			start = p // a line right after binary data ends the walk at the next test
		}
	}
	end := m
	for end < len(ctx) && ctx[end] != '\n' && isText(ctx[end]) {
		end++
	}
	if end < len(ctx) && ctx[end] == '\n' {
		end++
		for end < len(ctx) {
			e := end
			for e < len(ctx) && ctx[e] != '\n' && isText(ctx[e]) {
				e++
			}
			if e == end && (e == len(ctx) || ctx[e] != '\n') || !yamlish(ctx[end:e]) {
				break
			}
			if e < len(ctx) && ctx[e] == '\n' {
				e++
				end = e
				continue
			}
			end = e // a last line without newline, ended by binary data or the context
			break
		}
	}
	return slices.Clone(ctx[start:end]), start, true
}

// Drift is one field that differs between the packaged and the embedded plugin.yaml.
type Drift struct {
	Field    string
	Packaged string
	Embedded string
	Refused  bool // the gateway compares this field at load (validate_descriptor) and refuses a mismatch
}

// Compare lists the differences between the packaged descriptor and an embedded one: the fields
// descriptor.Compare says the gateway refuses, then the ones it ignores (reported as harmless
// drift, since the gateway derives the rest of its runtime manifest from the embedded copy).
func Compare(packaged, embedded *descriptor.Descriptor) []Drift {
	var out []Drift
	for _, m := range descriptor.Compare(packaged, embedded) {
		out = append(out, Drift{Field: m.Field, Packaged: m.Packaged, Embedded: m.Embedded, Refused: true})
	}
	add := func(field, a, b string) {
		if a != b && !slices.ContainsFunc(out, func(d Drift) bool { return d.Field == field }) {
			out = append(out, Drift{Field: field, Packaged: a, Embedded: b})
		}
	}
	add("protocol_version", packaged.ProtocolVersion, embedded.ProtocolVersion)
	add("runtime", packaged.Runtime, embedded.Runtime)
	add("license", packaged.License, embedded.License)
	add("description", packaged.Description, embedded.Description)
	add("tags", fmt.Sprint(packaged.Tags), fmt.Sprint(embedded.Tags))
	add("provides_schemes", fmt.Sprint(packaged.ProvidesSchemes), fmt.Sprint(embedded.ProvidesSchemes))
	add("required_capabilities", fmt.Sprint(packaged.RequiredCapabilities), fmt.Sprint(embedded.RequiredCapabilities))
	return out
}

// Verdict turns a scan into the pre-flight outcome for the packaged descriptor: nothing when the
// exact bytes are embedded or an embedded copy differs only in formatting; a warning when no copy
// can be found or a copy differs in fields the gateway ignores; an error when it differs in a
// field the gateway refuses. Messages read as a finding about the artifact (the caller prefixes
// its name).
func (e Embedded) Verdict(packaged *descriptor.Descriptor) (warning string, err error) {
	if e.Exact {
		return "", nil
	}
	type parsed struct {
		c      Candidate
		drift  []Drift
		refuse int
	}
	var best *parsed
	for _, c := range e.Candidates {
		d := parseCandidate(c.YAML)
		if d == nil {
			continue
		}
		p := &parsed{c: c, drift: Compare(packaged, d)}
		for _, x := range p.drift {
			if x.Refused {
				p.refuse++
			}
		}
		if best == nil || p.refuse < best.refuse || p.refuse == best.refuse && len(p.drift) < len(best.drift) {
			best = p
		}
	}
	switch {
	case best == nil && len(e.Candidates) == 0:
		return "embeds no copy of plugin.yaml (declare_plugin! embeds it with include_str!), so descriptor drift cannot be checked; the gateway will probe the plugin at load instead", nil
	case best == nil:
		return fmt.Sprintf("contains the schema id %s but no readable plugin.yaml around it, so descriptor drift cannot be checked", SchemaMarker), nil
	case best.refuse > 0:
		var parts []string
		for _, x := range best.drift {
			if x.Refused {
				parts = append(parts, fmt.Sprintf("%s: packaged %s, embedded %s", x.Field, textclip.Quote(x.Packaged), textclip.Quote(x.Embedded)))
			}
		}
		return "", hint.Wrap(fmt.Errorf("embeds a different plugin.yaml (at offset %d): %s; the gateway refuses this mismatch at load",
			best.c.Offset, strings.Join(parts, "; ")), "rebuild the artifact from this plugin.yaml")
	case len(best.drift) > 0:
		var fields []string
		for _, x := range best.drift {
			fields = append(fields, x.Field)
		}
		return fmt.Sprintf("embeds a plugin.yaml (at offset %d) that differs in %s; the gateway ignores these fields, but rebuild the artifact so the two match",
			best.c.Offset, strings.Join(fields, ", ")), nil
	}
	return "", nil
}

// parseCandidate parses a rebuilt block, dropping trailing lines that may belong to the next
// string constant until it parses; failing that, it retries from the schema line, in case the
// lines above it were some other text.
func parseCandidate(block []byte) *descriptor.Descriptor {
	starts := []int{0}
	if i := bytes.Index(block, []byte("\nschema")); i >= 0 {
		starts = append(starts, i+1)
	}
	for _, st := range starts {
		b := block[st:]
		for range 64 {
			if d, err := descriptor.Parse(b); err == nil {
				return d
			}
			i := bytes.LastIndexByte(bytes.TrimRight(b, "\n"), '\n')
			if i < 0 {
				break
			}
			b = b[:i+1]
		}
	}
	return nil
}
