package mcpgconfig

// The MCPG_* environment overlay (mcpg src/config/mod.rs load_sources): figment's
// Env::prefixed("MCPG_").split("__") filtered to the variables whose first segment names a
// top-level config field. figment strips the prefix case-insensitively, turns "__" into ".", drops a
// name with an empty segment, lowercases the key, and parses the value with its own small grammar
// (true/false, integers, floats with a dot, "quoted strings", [arrays], {k=v dicts}, else the text).

import (
	"math/big"
	"strconv"
	"strings"
)

// knownRoots are AppConfig's top-level fields (AppConfig::known_config_roots reads them off the
// serialized default).
var knownRoots = []string{
	"mcp", "governance", "gateway", "observability", "feature_flags", "debug", "schema_registry",
	"storage", "cluster", "credentials", "license", "plugins", "cloud", "usage_reporting",
}

const envPrefix = "MCPG_"

// envRoot is env_key_root: the first "__" segment, then the first "." segment, lowercased.
func envRoot(key string) string {
	k, _, _ := strings.Cut(key, "__")
	k, _, _ = strings.Cut(k, ".")
	return strings.ToLower(k)
}

func isKnownRoot(r string) bool {
	for _, k := range knownRoots {
		if k == r {
			return true
		}
	}
	return false
}

// envOverlay builds the overlay tree from environ (KEY=VALUE strings, later duplicates win as the
// process environment would hold only one).
func envOverlay(environ []string) *node {
	var out *node
	for _, kv := range environ {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			continue
		}
		key := strings.TrimSpace(name)
		if len(key) < len(envPrefix) || !strings.EqualFold(key[:len(envPrefix)], envPrefix) {
			continue
		}
		key = key[len(envPrefix):]
		key = strings.ReplaceAll(key, "__", ".")
		if !isKnownRoot(envRoot(key)) {
			continue
		}
		key = strings.TrimSpace(key)
		segs := strings.Split(key, ".")
		empty := false
		for _, s := range segs {
			if s == "" {
				empty = true
			}
		}
		if empty {
			continue
		}
		key = strings.ToLower(key)
		segs = strings.Split(key, ".")
		pos := Pos{File: "$" + name}
		v := envValue(val, pos)
		for i := len(segs) - 1; i >= 0; i-- {
			v = &node{kind: kMap, pos: pos, m: []*mapEntry{{key: segs[i], keyPos: pos, val: v}}}
		}
		out = merge(out, v)
	}
	return out
}

// envValue parses a variable's value as figment's Value::from_str does.
func envValue(s string, pos Pos) *node {
	p := &envParser{s: s, pos: pos}
	v, ok := p.value()
	if ok {
		p.ws()
		if p.i == len(p.s) {
			return v
		}
	}
	return &node{kind: kString, pos: pos, str: s}
}

type envParser struct {
	s   string
	i   int
	pos Pos
}

func (p *envParser) ws() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r' || p.s[p.i] == '\f') {
		p.i++
	}
}

func (p *envParser) value() (*node, bool) {
	p.ws()
	rest := p.s[p.i:]
	var v *node
	switch {
	case strings.HasPrefix(rest, "true"):
		p.i += 4
		v = &node{kind: kBool, pos: p.pos, b: true, str: "true"}
	case strings.HasPrefix(rest, "false"):
		p.i += 5
		v = &node{kind: kBool, pos: p.pos, b: false, str: "false"}
	case strings.HasPrefix(rest, "{"):
		return p.dict()
	case strings.HasPrefix(rest, "["):
		return p.array()
	case strings.HasPrefix(rest, `"`):
		s, ok := p.str()
		if !ok {
			return nil, false
		}
		v = &node{kind: kString, pos: p.pos, str: s}
	case strings.HasPrefix(rest, "'"):
		r := []rune(rest)
		if len(r) < 3 || r[2] != '\'' {
			return nil, false
		}
		p.i += len(string(r[:3]))
		v = &node{kind: kString, pos: p.pos, str: string(r[1])}
	default:
		j := p.i
		for j < len(p.s) && !strings.ContainsRune(",{}[]", rune(p.s[j])) {
			j++
		}
		text := strings.TrimSpace(p.s[p.i:j])
		p.i = j
		v = envScalar(text, p.pos)
	}
	p.ws()
	return v, true
}

func envScalar(text string, pos Pos) *node {
	if strings.Contains(text, ".") {
		if f, err := strconv.ParseFloat(text, 64); err == nil && rustFloat(text) {
			return &node{kind: kFloat, pos: pos, f: f, str: text}
		}
	}
	if rustInt(text) {
		if i, ok := new(big.Int).SetString(strings.TrimPrefix(text, "+"), 10); ok {
			if (i.Sign() >= 0 && i.IsUint64()) || (i.Sign() < 0 && i.IsInt64()) {
				return &node{kind: kInt, pos: pos, i: i, str: text}
			}
		}
	}
	return &node{kind: kString, pos: pos, str: text}
}

// rustInt: what Rust's integer FromStr accepts (optional sign, ASCII digits).
func rustInt(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "+"), "-")
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// rustFloat approximates Rust's f64 FromStr (decimal forms, inf, nan); Go's ParseFloat also takes
// hex floats and underscores, which Rust does not.
func rustFloat(s string) bool {
	t := strings.ToLower(strings.TrimLeft(s, "+-"))
	if strings.Contains(t, "_") || strings.HasPrefix(t, "0x") {
		return false
	}
	return true
}

func (p *envParser) str() (string, bool) {
	// "…" with backslash escapes (figment's escape: \n \t \r \\ \" \' \u{…})
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch c {
		case '"':
			p.i++
			return b.String(), true
		case '\\':
			if p.i+1 >= len(p.s) {
				return "", false
			}
			p.i++
			switch p.s[p.i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '\\', '"', '\'':
				b.WriteByte(p.s[p.i])
			case '0':
				b.WriteByte(0)
			default:
				return "", false
			}
			p.i++
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return "", false
}

func (p *envParser) array() (*node, bool) {
	p.i++ // [
	out := &node{kind: kSeq, pos: p.pos}
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		p.ws()
		return out, true
	}
	for {
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		out.seq = append(out.seq, v)
		if p.i >= len(p.s) {
			return nil, false
		}
		if p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.s[p.i] == ']' {
			p.i++
			p.ws()
			return out, true
		}
		return nil, false
	}
}

func (p *envParser) dict() (*node, bool) {
	p.i++ // {
	out := &node{kind: kMap, pos: p.pos}
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		p.ws()
		return out, true
	}
	for {
		p.ws()
		var key string
		if p.i < len(p.s) && p.s[p.i] == '"' {
			k, ok := p.str()
			if !ok {
				return nil, false
			}
			key = k
		} else {
			j := p.i
			for j < len(p.s) && (isAlnum(p.s[j]) || p.s[j] == '_' || p.s[j] == '-') {
				j++
			}
			if j == p.i {
				return nil, false
			}
			key = p.s[p.i:j]
			p.i = j
		}
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != '=' {
			return nil, false
		}
		p.i++
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		out.set(key, p.pos, v)
		if p.i >= len(p.s) {
			return nil, false
		}
		if p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.s[p.i] == '}' {
			p.i++
			p.ws()
			return out, true
		}
		return nil, false
	}
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// lookupEnv finds name in environ (the last occurrence wins).
func lookupEnv(environ []string, name string) (string, bool) {
	val, found := "", false
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			val, found = v, true
		}
	}
	return val, found
}
