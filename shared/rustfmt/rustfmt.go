// Package rustfmt writes values the way Rust's standard formatting does, for messages that must be
// the gateway's byte for byte.
package rustfmt

import (
	"sort"
	"strconv"
	"strings"
)

// DebugString is Rust's {:?} of a string: in double quotes, with \t \r \n \" \\ \0 escaped, and
// \u{hex} for every other char Rust's Debug escapes — control, format and separator chars,
// unassigned ones, and those that extend a grapheme (escape_table.go, from rustc itself).
func DebugString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case 0:
			b.WriteString(`\0`)
		default:
			if escapes(r) {
				b.WriteString(`\u{` + strconv.FormatInt(int64(r), 16) + `}`)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// escapes reports whether Rust's Debug writes r as \u{…}.
func escapes(r rune) bool {
	i := sort.Search(len(escaped), func(i int) bool { return escaped[i][1] >= r })
	return i < len(escaped) && escaped[i][0] <= r
}
