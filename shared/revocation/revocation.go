// Package revocation reads the gateway's plugin revocation list (docs/contract.md §7) with the
// gateway's exact validation, so a list that passes here is one the gateway boots with.
package revocation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SchemaVersion is the only version the gateway accepts.
const SchemaVersion = 1

// Entry is one revoked artifact.
type Entry struct {
	ArtifactSHA256 string // lowercase hex, normalised as the gateway does
	Reason         string
	RevokedAt      string // "" when absent
}

// List is a parsed, validated revocation list.
type List struct {
	Name     string // for messages
	IssuedAt string // "" when absent
	Entries  []Entry
	index    map[string]int
}

// Lookup finds the entry revoking the artifact with this SHA-256 (hex, either case).
func (l *List) Lookup(sha256hex string) (*Entry, bool) {
	i, ok := l.index[strings.ToLower(strings.TrimSpace(sha256hex))]
	if !ok {
		return nil, false
	}
	return &l.Entries[i], true
}

// The file as JSON. Pointers tell absent fields (and null) from empty ones; unknown keys are
// ignored, as the gateway ignores them.
type fileJSON struct {
	Version     json.RawMessage `json:"version"`
	IssuedAt    *string         `json:"issued_at"`
	Revocations json.RawMessage `json:"revocations"`
}

type entryJSON struct {
	ArtifactSHA256 *string `json:"artifact_sha256"`
	Reason         *string `json:"reason"`
	RevokedAt      *string `json:"revoked_at"`
}

// Parse reads and validates a revocation list. name is used in messages. Parse errors use the
// gateway's wording "failed to parse revocation list at '<name>' as JSON: …"; validation errors
// are "<name>: " followed by the gateway's message.
func Parse(name string, data []byte) (*List, error) {
	parseErr := func(format string, a ...any) error {
		return fmt.Errorf("failed to parse revocation list at '%s' as JSON: %s", name, fmt.Sprintf(format, a...))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, parseErr(`the file is empty (the smallest valid list is {"version":1})`)
	}
	if !utf8.Valid(data) {
		return nil, parseErr("the file is not valid UTF-8")
	}
	if bytes.TrimLeft(data, " \t\r\n")[0] != '{' {
		return nil, parseErr("expected a JSON object")
	}
	if err := checkDuplicateFields(data); err != nil {
		return nil, parseErr("%v", err)
	}
	var f fileJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil {
		return nil, parseErr("%s", describeJSONError(data, err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, parseErr("trailing characters after the JSON object")
	}

	if f.Version == nil {
		return nil, parseErr("missing field `version`")
	}
	version, err := schemaVersion(f.Version)
	if err != nil {
		return nil, parseErr("%v", err)
	}
	var entries []entryJSON
	if f.Revocations != nil {
		if string(f.Revocations) == "null" {
			return nil, parseErr("revocations: expected an array, found null")
		}
		if err := json.Unmarshal(f.Revocations, &entries); err != nil {
			return nil, parseErr("revocations: %s", describeJSONError(f.Revocations, err))
		}
	}
	for i, e := range entries {
		if e.ArtifactSHA256 == nil {
			return nil, parseErr("revocations[%d]: missing field `artifact_sha256` (a string is required)", i)
		}
		if e.Reason == nil {
			return nil, parseErr("revocations[%d]: missing field `reason` (a string is required)", i)
		}
	}

	// Validation, in the gateway's order and words.
	if version != SchemaVersion {
		return nil, fmt.Errorf("%s: revocation-list schema version %d not supported (this host understands version %d)", name, version, SchemaVersion)
	}
	l := &List{Name: name, index: make(map[string]int, len(entries))}
	if f.IssuedAt != nil {
		l.IssuedAt = *f.IssuedAt
	}
	for _, e := range entries {
		sha := asciiLower(strings.TrimSpace(*e.ArtifactSHA256))
		if !isHex64(sha) {
			return nil, fmt.Errorf("%s: revocation-list entry has invalid artifact_sha256 '%s' (must be 64 lowercase hex chars)", name, oneLine(*e.ArtifactSHA256))
		}
		if strings.TrimSpace(*e.Reason) == "" {
			return nil, fmt.Errorf("%s: revocation-list entry for %s is missing a reason (every revocation must explain *why* for audit)", name, sha)
		}
		if _, dup := l.index[sha]; dup {
			return nil, fmt.Errorf("%s: revocation-list has a duplicate entry for %s — consolidate the two entries into one", name, sha)
		}
		entry := Entry{ArtifactSHA256: sha, Reason: *e.Reason}
		if e.RevokedAt != nil {
			entry.RevokedAt = *e.RevokedAt
		}
		l.index[sha] = len(l.Entries)
		l.Entries = append(l.Entries, entry)
	}
	return l, nil
}

// schemaVersion reads version as the gateway's u32: an integer literal in range, not a string,
// fraction or exponent.
func schemaVersion(raw json.RawMessage) (uint32, error) {
	s := string(raw)
	if s == "" || strings.Trim(s, "0123456789") != "" || len(s) > 1 && s[0] == '0' {
		kind := "a " + jsonValueKind(s)
		if kind == "a number" {
			kind = s
		}
		return 0, fmt.Errorf("version: expected an integer, found %s", kind)
	}
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("version: expected an integer from 0 to 4294967295, found %s", s)
	}
	return uint32(v), nil
}

func jsonValueKind(s string) string {
	switch {
	case s == "null":
		return "null"
	case s == "true" || s == "false":
		return "boolean"
	case strings.HasPrefix(s, `"`):
		return "string"
	case strings.HasPrefix(s, "{"):
		return "object"
	case strings.HasPrefix(s, "["):
		return "array"
	}
	return "number"
}

// oneLine escapes control characters so a quoted value cannot break a message into lines.
func oneLine(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f || r == 0x2028 || r == 0x2029 || r == 0x85 }) < 0 {
		return s
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// asciiLower lowercases ASCII letters only, as Rust's to_ascii_lowercase.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// describeJSONError turns encoding/json errors into a position and a reason.
func describeJSONError(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		return fmt.Sprintf("%s at line %d column %d", strings.TrimPrefix(syn.Error(), "json: "), line, col)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "value"
		}
		return fmt.Sprintf("%s: expected %s, found %s", field, jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends early"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string", "ptr":
		return "a string"
	case "slice":
		return "an array"
	case "struct":
		return "an object"
	}
	return goKind
}

func position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	return line, int(offset) - (bytes.LastIndexByte(before, '\n') + 1)
}

// checkDuplicateFields rejects a known field given twice in the list object or in an entry, as
// the gateway's parser does (encoding/json would silently keep the last).
func checkDuplicateFields(data []byte) error {
	// Syntax errors end the walk; the real decode reports them.
	errSyntax := errors.New("syntax")
	dec := json.NewDecoder(bytes.NewReader(data))
	var walk func(path string, known map[string]map[string]bool) error
	walk = func(path string, known map[string]map[string]bool) error {
		if path != "" && path != ".revocations" && path != ".revocations[]" {
			var skip json.RawMessage // a value no known field lives in
			if dec.Decode(&skip) != nil {
				return errSyntax
			}
			return nil
		}
		tok, err := dec.Token()
		if err != nil {
			return errSyntax
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return errSyntax
				}
				key, _ := kt.(string)
				if known[path][key] {
					if seen[key] {
						return fmt.Errorf("duplicate field `%s`", key)
					}
					seen[key] = true
				}
				if err := walk(path+"."+key, known); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil {
				return errSyntax
			}
		case json.Delim('['):
			for dec.More() {
				if err := walk(path+"[]", known); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil {
				return errSyntax
			}
		}
		return nil
	}
	if err := walk("", map[string]map[string]bool{
		"":               {"version": true, "issued_at": true, "revocations": true},
		".revocations[]": {"artifact_sha256": true, "reason": true, "revoked_at": true},
	}); err != errSyntax {
		return err
	}
	return nil
}
