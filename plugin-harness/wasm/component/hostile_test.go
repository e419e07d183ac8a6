package component

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var header = []byte{0, 'a', 's', 'm', 0x0d, 0, 1, 0}

func uleb(v uint64) []byte {
	var out []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			out = append(out, c|0x80)
			continue
		}
		return append(out, c)
	}
}

func sleb(v int64) []byte {
	var out []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(out, c)
		}
		out = append(out, c|0x80)
	}
}

func section(id byte, body []byte) []byte {
	return append(append([]byte{id}, uleb(uint64(len(body)))...), body...)
}

func component(sections ...[]byte) []byte {
	return append(append([]byte(nil), header...), bytes.Join(sections, nil)...)
}

// exercise runs everything a caller would run on untrusted bytes; it must not panic.
func exercise(b []byte, opts ParseOptions) error {
	c, err := Parse(b, opts)
	if err != nil {
		return err
	}
	p, err := c.Plan(opts)
	if err != nil {
		return err
	}
	CheckImports(p.Imports)
	p.ExportedWorlds()
	for i := range Worlds {
		p.CheckWorld(&Worlds[i])
	}
	DescribePlan(p)
	return nil
}

func TestEveryTruncationIsAnError(t *testing.T) {
	for _, name := range []string{"gate.wasm", "nested.wasm"} {
		b := readFixture(t, name)
		accepted := 0
		for n := 0; n < len(b); n++ {
			err := exercise(b[:n], ParseOptions{})
			if err == nil {
				accepted++ // a cut at a section boundary is a smaller valid component
				continue
			}
			var e *Error
			if !asError(err, &e) || e.Offset < 0 || e.Offset > len(b) {
				t.Fatalf("%s cut to %d: %v has no usable offset", name, n, err)
			}
		}
		if accepted > 40 {
			t.Errorf("%s: %d truncations parsed", name, accepted)
		}
	}
}

func asError(err error, e **Error) bool {
	x, ok := err.(*Error)
	*e = x
	return ok
}

func TestMutationsDoNotPanic(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.wasm")
	more, _ := filepath.Glob("testdata/link/*.wasm")
	files = append(files, more...)
	for _, f := range files {
		b := readFixture(t, strings.TrimPrefix(f, "testdata/"))
		seed := uint32(len(b))
		for i := 0; i < 3000; i++ {
			seed = seed*1664525 + 1013904223
			m := append([]byte(nil), b...)
			pos := 8 + int(seed>>8)%max(1, len(m)-8)
			if pos >= len(m) {
				continue
			}
			m[pos] ^= byte(seed) | 1
			if i%3 == 0 && pos+1 < len(m) {
				m[pos+1] = 0xff // a large LEB continuation
			}
			_ = exercise(m, ParseOptions{})
		}
	}
}

func TestHostileCountsAndSizes(t *testing.T) {
	for name, tc := range map[string]struct {
		b    []byte
		want string
	}{
		"import count 2^32-1": {
			component(section(10, uleb(0xffffffff))), "import count",
		},
		"import count over bytes": {
			component(section(10, append(uleb(1000), 0, 1, 'a'))), "larger than the",
		},
		"section past the end": {
			append(append(append([]byte(nil), header...), 1), uleb(0x7fffffff)...), "unexpected end",
		},
		"name length 2^32-1": {
			component(section(10, append(uleb(1), append([]byte{0}, uleb(0xffffffff)...)...))), "over the limit",
		},
		"overlong u32": {
			component(section(7, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x01})), "too long",
		},
		"u32 too large": {
			component(section(7, []byte{0xff, 0xff, 0xff, 0xff, 0x7f})), "too large",
		},
		"invalid utf-8 name": {
			component(section(10, []byte{1, 0, 2, 0xc3, 0x28, 1, 0})), "UTF-8",
		},
		"unknown section": {
			component(section(12, nil)), "unknown section id 12",
		},
		"start section": {
			component(section(9, []byte{0, 0, 0})), "start functions",
		},
		"async canon": {
			component(section(8, []byte{1, 0x09, 1, 0, 0})), "not supported",
		},
		"core instance of missing module": {
			component(section(2, []byte{1, 0, 5, 0})), "unknown module 5",
		},
		"alias of missing instance": {
			component(section(6, []byte{1, 1, 0, 3, 1, 'f'})), "unknown instance 3",
		},
		"bad version": {
			[]byte{0, 'a', 's', 'm', 0x0e, 0, 1, 0}, "unknown binary version",
		},
		"trailing bytes in section": {
			component(section(7, []byte{1, 0x7f, 0})), "trailing",
		},
	} {
		err := exercise(tc.b, ParseOptions{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", name, err, tc.want)
		}
	}
}

func nestComponents(depth int) []byte {
	b := append([]byte(nil), header...)
	for i := 0; i < depth; i++ {
		b = component(section(4, b))
	}
	return b
}

func TestNestingDepthIsBounded(t *testing.T) {
	if err := exercise(nestComponents(10), ParseOptions{}); err != nil {
		t.Fatalf("10 nested components: %v", err)
	}
	err := exercise(nestComponents(200), ParseOptions{})
	if err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Fatalf("200 nested components: %v", err)
	}
	// Instance types inside instance types.
	ty := []byte{0x42, 0}
	for i := 0; i < 100; i++ {
		ty = append([]byte{0x42, 1, 0x01}, ty...)
	}
	err = exercise(component(section(7, append([]byte{1}, ty...))), ParseOptions{})
	if err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Fatalf("deep instance types: %v", err)
	}
	// list<list<…>> 150 deep.
	body := uleb(150)
	body = append(body, 0x70, 0x7f)
	for i := 1; i < 150; i++ {
		body = append(body, 0x70)
		body = append(body, sleb(int64(i-1))...)
	}
	err = exercise(component(section(7, body)), ParseOptions{})
	if err == nil || !strings.Contains(err.Error(), "too deep") {
		t.Fatalf("deep value types: %v", err)
	}
}

func TestLimitsApply(t *testing.T) {
	gate := readFixture(t, "gate.wasm")
	if _, err := Parse(gate, ParseOptions{MaxItems: 5}); err == nil || !strings.Contains(err.Error(), "index-space entries") {
		t.Errorf("MaxItems: %v", err)
	}
	c, err := Parse(readFixture(t, "nested.wasm"), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Plan(ParseOptions{MaxWork: 10}); err == nil || !strings.Contains(err.Error(), "steps") {
		t.Errorf("MaxWork: %v", err)
	}
	if _, err := c.Plan(ParseOptions{MaxDepth: 1}); err == nil || !strings.Contains(err.Error(), "deep") {
		t.Errorf("MaxDepth in Plan: %v", err)
	}
}

func TestInvalidVersionInNameIsRefused(t *testing.T) {
	oracle := loadOracle(t)
	if oracle["link/random-0.2.wasm"].Stage != "compile" {
		t.Fatal("oracle changed")
	}
	_, err := Parse(readFixture(t, "link/random-0.2.wasm"), ParseOptions{})
	if err == nil || !strings.Contains(err.Error(), "not a valid semver") {
		t.Fatalf("got %v", err)
	}
}

// FuzzParse feeds arbitrary bytes through everything a runtime does with an untrusted component.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.wasm")
	more, _ := filepath.Glob("testdata/link/*.wasm")
	for _, name := range append(files, more...) {
		if b, err := readFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add(nestComponents(3))
	f.Add(component(section(10, uleb(0xffffffff))))
	f.Add([]byte{0, 'a', 's', 'm', 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = exercise(b, ParseOptions{MaxItems: 100_000, MaxWork: 1_000_000})
	})
}

func readFile(name string) ([]byte, error) { return osReadFile(name) }

var osReadFile = os.ReadFile
