package yamlevents

// Differential test against the reference dumper (libyaml 0.2.5 via unsafe-libyaml 0.2.11). It
// runs only when $EVORACLE names the dumper binary, so CI (which has no Rust) skips it.
//
//	EVORACLE=/path/to/evoracle go test -run Differential ./shared/yamlevents/
//
// YAMLEVENTS_DIFF_N      number of random mutations of the golden inputs (default 2000)
// YAMLEVENTS_DIFF_SEED   seed for the mutations (default 1)
// YAMLEVENTS_DIFF_FILES  extra space-separated globs of files to compare as they are
// YAMLEVENTS_DIFF_SHOW   how many disagreements to print (default 20)

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// runOracle runs the dumper over files in batches and returns its lines per file.
func runOracle(t *testing.T, bin string, files []string) map[string][]any {
	t.Helper()
	all := map[string][]any{}
	const batch = 400
	for i := 0; i < len(files); i += batch {
		j := i + batch
		if j > len(files) {
			j = len(files)
		}
		out, err := exec.Command(bin, files[i:j]...).Output()
		if err != nil {
			t.Fatalf("oracle: %v", err)
		}
		res, _, err := parseDump(out, false)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range res {
			all[k] = v
		}
	}
	return all
}

func TestDifferential(t *testing.T) {
	bin := os.Getenv("EVORACLE")
	if bin == "" {
		t.Skip("EVORACLE not set")
	}
	var files []string
	for _, g := range strings.Fields(os.Getenv("YAMLEVENTS_DIFF_FILES")) {
		m, _ := filepath.Glob(g)
		for _, f := range m {
			if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() {
				files = append(files, f)
			}
		}
	}
	n := envInt("YAMLEVENTS_DIFF_N", 2000)
	seed := int64(envInt("YAMLEVENTS_DIFF_SEED", 1))
	if n > 0 {
		seeds := goldenInputs(t)
		dir := t.TempDir()
		rng := rand.New(rand.NewSource(seed))
		for i := 0; i < n; i++ {
			data := mutate(rng, seeds)
			f := filepath.Join(dir, fmt.Sprintf("m%06d.yaml", i))
			if err := os.WriteFile(f, data, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
	}
	want := runOracle(t, bin, files)
	show := envInt("YAMLEVENTS_DIFF_SHOW", 20)
	bad := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if d := firstDifference(data, want[f]); d != "" {
			bad++
			if bad <= show {
				t.Errorf("%s (%q):\n%s", f, clip(data), d)
			}
		}
	}
	agree := len(files) - bad
	t.Logf("differential: %d/%d agree (%.3f%%)", agree, len(files), 100*float64(agree)/float64(max(1, len(files))))
}

func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

func goldenInputs(t testing.TB) [][]byte {
	names, err := filepath.Glob(filepath.Join("testdata", "golden", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	var out [][]byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	if len(out) == 0 {
		out = append(out, []byte("a: b\n"))
	}
	return out
}

// Fragments that tend to reach libyaml's odd corners.
var mutationPieces = []string{
	":", ": ", "- ", "-", "? ", "?", "[", "]", "{", "}", ",", ", ", "#", " #c", "&a ", "*a", "&", "*",
	"!", "!!str ", "!x!y ", "!<tag:x> ", "!<", "!%41 ", "%", "|", "|-", "|+2", ">", ">1-", "|0",
	"'", "''", "\"", "\\", "\\x4", "\\u00e9", "\\U0001F600", "\\q", "\\\n", "\t", " ", "  ", "    ",
	"\n", "\n\n", "\r\n", "\r", "---", "--- ", "...", "... x", "%YAML 1.1\n", "%YAML 1.3\n",
	"%YAML 2.0\n", "%TAG ! !x-\n", "%TAG !e! tag:e.com,2000:\n", "%FOO bar\n", "\u0085", "\u2028",
	"\u2029", "\x00", "\x01", "\x7f", "\xef\xbb\xbf", "\xff", "\xc3", "é", "€", "😀", "a", "key",
	"x: y\n", "- a\n", "@", "`", "a:b", "a :b", "[a, b]", "{a: b}", "{a, b: c}", "[a: b]", "? a\n: b\n",
	"!<%00>", "%00", "!e!", "\\0", "\\N", "|\n", ">-\n ", "\t- ", "- -", "-\t", ": -", "&a\t", "!!",
}

func mutate(rng *rand.Rand, seeds [][]byte) []byte {
	src := seeds[rng.Intn(len(seeds))]
	b := append([]byte(nil), src...)
	ops := 1 + rng.Intn(3)
	for o := 0; o < ops; o++ {
		pos := 0
		if len(b) > 0 {
			pos = rng.Intn(len(b) + 1)
		}
		switch rng.Intn(8) {
		case 0, 1, 2: // insert a fragment
			piece := mutationPieces[rng.Intn(len(mutationPieces))]
			b = append(b[:pos], append([]byte(piece), b[pos:]...)...)
		case 3: // delete a span
			if len(b) > 0 {
				end := pos + 1 + rng.Intn(8)
				if end > len(b) {
					end = len(b)
				}
				b = append(b[:pos], b[end:]...)
			}
		case 4: // replace a byte with a significant one
			if pos < len(b) {
				const sig = " \t\n:-?[]{},#&*!|>'\"%@`\\"
				b[pos] = sig[rng.Intn(len(sig))]
			}
		case 5: // duplicate a line
			lines := strings.SplitAfter(string(b), "\n")
			i := rng.Intn(len(lines))
			lines = append(lines[:i+1], lines[i:]...)
			b = []byte(strings.Join(lines, ""))
		case 6: // re-indent a line
			lines := strings.SplitAfter(string(b), "\n")
			i := rng.Intn(len(lines))
			if rng.Intn(2) == 0 {
				lines[i] = strings.Repeat(" ", 1+rng.Intn(4)) + lines[i]
			} else {
				lines[i] = strings.TrimLeft(lines[i], " ")
			}
			b = []byte(strings.Join(lines, ""))
		case 7: // splice in part of another input
			other := seeds[rng.Intn(len(seeds))]
			if len(other) > 0 {
				i := rng.Intn(len(other))
				j := i + rng.Intn(len(other)-i) + 1
				b = append(b[:pos], append(append([]byte(nil), other[i:j]...), b[pos:]...)...)
			}
		}
	}
	return b
}

// FuzzOracle is coverage-guided differential fuzzing against the reference dumper; it skips
// unless $EVORACLE is set:
//
//	EVORACLE=/path/to/evoracle go test -run XXX -fuzz FuzzOracle ./shared/yamlevents/
func FuzzOracle(f *testing.F) {
	bin := os.Getenv("EVORACLE")
	if bin == "" {
		f.Skip("EVORACLE not set")
	}
	for _, in := range goldenInputs(f) {
		if len(in) <= 2048 {
			f.Add(in)
		}
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, in []byte) {
		fn := filepath.Join(dir, "input.yaml")
		if err := os.WriteFile(fn, in, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, fn).Output()
		if err != nil {
			t.Fatalf("oracle: %v", err)
		}
		res, _, err := parseDump(out, false)
		if err != nil {
			t.Fatal(err)
		}
		if d := firstDifference(in, res[fn]); d != "" {
			t.Fatalf("%q\n%s", in, d)
		}
	})
}
