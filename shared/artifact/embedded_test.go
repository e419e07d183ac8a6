package artifact

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/hint"
)

func scan(data, want []byte, chunk int) Embedded {
	s := NewScanner(want)
	for len(data) > 0 {
		n := min(chunk, len(data))
		s.Write(data[:n])
		data = data[n:]
	}
	return s.Result()
}

func mustParse(t *testing.T, y string) *descriptor.Descriptor {
	t.Helper()
	d, err := descriptor.Parse([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var binaryNoise = bytes.Repeat([]byte("\x00\x01\xfe\x7fELF\x02\x00"), 5000)

func TestScannerExact(t *testing.T) {
	want := []byte(fixtureYAML)
	data := append(append(append([]byte{}, binaryNoise...), want...), binaryNoise...)
	for _, chunk := range []int{1, 3, 17, 64, 4096, len(binaryNoise) + 5, len(data)} {
		t.Run("chunk "+strconv.Itoa(chunk), func(t *testing.T) {
			e := scan(data, want, chunk)
			if !e.Exact || e.Offset != int64(len(binaryNoise)) || e.Markers != 1 {
				t.Errorf("chunk %d: %+v", chunk, e)
			}
		})
	}
	// Two copies, the second exact: the first is a near-miss.
	near := bytes.Replace(want, []byte("Circuit"), []byte("Circle!"), 1)
	e := scan(append(append(append([]byte{}, near...), binaryNoise...), want...), want, 1000)
	if !e.Exact || e.Offset != int64(len(near)+len(binaryNoise)) {
		t.Errorf("second copy: %+v", e)
	}
}

func TestScannerVerdicts(t *testing.T) {
	packaged := mustParse(t, fixtureYAML)
	embed := func(y string) []byte {
		// Rust packs string constants back to back: text before and after, no NUL.
		return append(append(append(append([]byte{}, binaryNoise...), "index out of bounds\x00"...), y+"called `Option::unwrap()` on a `None` value"...), binaryNoise...)
	}
	for _, c := range []struct {
		name      string
		data      []byte
		warn, err string
	}{
		{"exact", embed(fixtureYAML), "", ""},
		{"reformatted", embed("# Circuit breaker\n" + strings.ReplaceAll(fixtureYAML, `"1.0"`, `'1.0'`)), "", ""},
		{"renamed", embed(strings.Replace(fixtureYAML, "Circuit Breaker", "Old Name", 1)), "", `name: packaged "Circuit Breaker", embedded "Old Name"`},
		{"other id and class", embed(strings.NewReplacer("circuit-breaker", "old", "tool_gate", "transform").Replace(fixtureYAML)), "", `id: packaged "dev.mcpg.circuit-breaker", embedded "dev.mcpg.old"; class:`},
		{"protocol major", embed(strings.Replace(fixtureYAML, `"1.0"`, `"2.0"`, 1)), "", "protocol_version"},
		{"protocol minor", embed(strings.Replace(fixtureYAML, `"1.0"`, `"1.4"`, 1)), "differs in protocol_version", ""},
		{"description", embed(strings.Replace(fixtureYAML, "class:", "description: older text\nclass:", 1)), "differs in description", ""},
		{"none", binaryNoise, "embeds no copy of plugin.yaml", ""},
		{"bare constant", embed("mcpg.dev/plugin/v1"), "embeds no copy of plugin.yaml", ""},
		{"unreadable", embed("schema: mcpg.dev/plugin/v1\nid: [broken\n"), "no readable plugin.yaml", ""},
		{"after NUL, before binary", append(append(append([]byte{}, binaryNoise...), strings.Replace(fixtureYAML, "Circuit Breaker", "Old", 1)...), binaryNoise...), "", `embedded "Old"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, chunk := range []int{7, 1 << 20} {
				warning, err := scan(c.data, []byte(fixtureYAML), chunk).Verdict(packaged)
				if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
					t.Errorf("%s/%d: err %v, want %q", c.name, chunk, err, c.err)
				}
				if c.warn == "" && warning != "" || !strings.Contains(warning, c.warn) {
					t.Errorf("%s/%d: warning %q, want %q", c.name, chunk, warning, c.warn)
				}
			}
		})
	}
}

// TestScannerCompiled runs the scan on a real shared object built with the fixture's .incbin.
func TestScannerCompiled(t *testing.T) {
	so := buildC(t, fixtureYAML, "-shared")
	if e, _ := FindEmbeddedDescriptor(bytes.NewReader(so), []byte(fixtureYAML)); !e.Exact {
		t.Errorf("compiled fixture: %+v", e)
	}
	drifted := buildC(t, strings.Replace(fixtureYAML, "Circuit Breaker", "Drifted", 1), "-shared")
	e, _ := FindEmbeddedDescriptor(bytes.NewReader(drifted), []byte(fixtureYAML))
	if _, err := e.Verdict(mustParse(t, fixtureYAML)); err == nil || !strings.Contains(err.Error(), `embedded "Drifted"`) ||
		hint.Of(err) != "rebuild the artifact from this plugin.yaml" {
		t.Errorf("drifted fixture: %v", err)
	}
	bare := buildC(t, fixtureYAML, "-shared", "-DNO_EMBED")
	e, _ = FindEmbeddedDescriptor(bytes.NewReader(bare), []byte(fixtureYAML))
	if w, err := e.Verdict(mustParse(t, fixtureYAML)); err != nil || !strings.Contains(w, "embeds no copy") {
		t.Errorf("no embedded copy: %q %v", w, err)
	}
}

func TestCheckWasm(t *testing.T) {
	for _, c := range []struct {
		data      string
		component bool
		err       string
	}{
		{"\x00asm\x0d\x00\x01\x00rest", true, ""},
		{"\x00asm\x01\x00\x00\x00", false, ""},
		{"\x00asm\x0c\x00\x01\x00", false, "binary version 0x000c; the gateway's wasmtime reads version 0x000d (rebuild with a current toolchain)"},
		{"\x00asm\x02\x00\x00\x00", false, "unknown version/layer 02 00 00 00"},
		{"\x7fELF\x02\x01\x01\x00", false, "expected magic 00 61 73 6d"},
		{"\x00asm", false, "only 4 bytes"},
		{"", false, "only 0 bytes"},
	} {
		t.Run(c.data, func(t *testing.T) {
			got, err := CheckWasm(strings.NewReader(c.data))
			// err's advice is a hint; hint.Inline shows it after the message, in parentheses.
			if got != c.component || c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(hint.Inline(err), c.err)) {
				t.Errorf("%q: %v %v", c.data, got, err)
			}
		})
	}
}

// The embedded copy is the artifact author's to write: a huge name in it is quoted in part, with
// its length, not whole.
func TestVerdictClipsHugeEmbeddedValues(t *testing.T) {
	huge := strings.Repeat("N", 10_000)
	data := append(append(append([]byte{}, binaryNoise...), strings.Replace(fixtureYAML, "Circuit Breaker", huge, 1)...), binaryNoise...)
	_, err := scan(data, []byte(fixtureYAML), 1<<20).Verdict(mustParse(t, fixtureYAML))
	if err == nil {
		t.Fatal("no drift reported")
	}
	if msg := err.Error(); len(msg) > 600 || !strings.Contains(msg, `"… (10000 bytes)`) {
		t.Errorf("drift message is %d bytes: %.200q", len(msg), msg)
	}
}
