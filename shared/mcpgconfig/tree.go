package mcpgconfig

// The merged config tree. Each layer's YAML becomes a tree of nodes that remember where they were
// written; layers are merged the way figment's Figment::merge does (mcpg src/config/mod.rs
// load_sources): mappings union key by key, recursively; anything else — a sequence, a scalar, a
// null, or a mapping meeting a non-mapping — is replaced wholesale by the later layer.
//
// Scalars keep their YAML text and style; they are typed (null, bool, int, float, string) the way
// serde_yaml 0.9's deserialize_any types them, because figment reads every layer into its own
// untyped Value first and only then extracts the typed config (so `id: 123` is a number, which a
// String field refuses).

import (
	"math/big"
	"unicode/utf8"
)

type nodeKind int

const (
	kNull nodeKind = iota
	kBool
	kInt // integer (Num); big holds the value
	kFloat
	kString
	kMap
	kSeq
)

type mapEntry struct {
	key    string
	keyPos Pos
	val    *node
}

type node struct {
	kind nodeKind
	pos  Pos
	str  string   // kString: the text; other scalars: the source text
	b    bool     // kBool
	i    *big.Int // kInt
	f    float64  // kFloat
	m    []*mapEntry
	seq  []*node
}

func (n *node) get(key string) *node {
	if n == nil || n.kind != kMap {
		return nil
	}
	for _, e := range n.m {
		if e.key == key {
			return e.val
		}
	}
	return nil
}

func (n *node) entry(key string) *mapEntry {
	if n == nil || n.kind != kMap {
		return nil
	}
	for _, e := range n.m {
		if e.key == key {
			return e
		}
	}
	return nil
}

// set inserts or replaces key (keeping the first position of the key's order, as a BTreeMap does
// not care about order anyway).
func (n *node) set(key string, keyPos Pos, v *node) {
	if e := n.entry(key); e != nil {
		e.val, e.keyPos = v, keyPos
		return
	}
	n.m = append(n.m, &mapEntry{key: key, keyPos: keyPos, val: v})
}

// merge returns a merged with b (b wins), figment's Order::Merge.
func merge(a, b *node) *node {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	if a.kind != kMap || b.kind != kMap {
		return b
	}
	out := &node{kind: kMap, pos: b.pos}
	for _, e := range a.m {
		out.m = append(out.m, &mapEntry{key: e.key, keyPos: e.keyPos, val: e.val})
	}
	for _, e := range b.m {
		if o := out.entry(e.key); o != nil {
			o.val = merge(o.val, e.val)
			o.keyPos = e.keyPos
			continue
		}
		out.m = append(out.m, &mapEntry{key: e.key, keyPos: e.keyPos, val: e.val})
	}
	return out
}

func utf8Valid(b []byte) bool { return utf8.Valid(b) }

// firstBadUTF8 returns the 1-based line and column (in bytes) of the first invalid UTF-8 byte.
func firstBadUTF8(b []byte) (line, col int) {
	line, col = 1, 1
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			return line, col
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		b = b[size:]
	}
	return line, col
}
