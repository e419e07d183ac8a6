package main

import (
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// exeSuffix is what executables end with on this OS.
var exeSuffix = map[bool]string{true: ".exe", false: ""}[runtime.GOOS == "windows"]

// pluginPrefix names third-party commands: plugin-<name> runs as `mcpg-plugins <name>`.
const pluginPrefix = "plugin-"

// finder looks binaries up the way dispatch does: first the directory of the dispatcher's own
// executable (so a release tarball or `make install` works without touching $PATH, like git's
// exec-path), then each $PATH directory in order.
type finder struct {
	self string   // the dispatcher's executable, symlinks resolved
	dirs []string // search order, without duplicates
}

func newFinder(getenv func(string) string) *finder {
	f := &finder{}
	if exe, err := os.Executable(); err == nil {
		// Linux reads /proc/self/exe, already free of symlinks; elsewhere resolve them so a
		// mcpg-plugin link finds the tools beside the real binary.
		if runtime.GOOS != "linux" {
			if real, err := filepath.EvalSymlinks(exe); err == nil {
				exe = real
			}
		}
		f.self = exe
		f.dirs = append(f.dirs, filepath.Dir(exe))
	}
	for _, d := range filepath.SplitList(getenv("PATH")) {
		// Empty and relative entries would run whatever sits in the current directory: skip them,
		// as Go's exec.LookPath refuses them.
		if d == "" || !filepath.IsAbs(d) {
			continue
		}
		d = filepath.Clean(d)
		if !contains(f.dirs, d) {
			f.dirs = append(f.dirs, d)
		}
	}
	return f
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// candidate is one file named like a wanted binary.
type candidate struct {
	path       string
	executable bool
}

// candidates returns every file called name in the search directories, in search order.
func (f *finder) candidates(name string) []candidate {
	var out []candidate
	for _, d := range f.dirs {
		p := filepath.Join(d, name+exeSuffix)
		if c, ok := statCandidate(p); ok {
			out = append(out, c)
		}
	}
	return out
}

func statCandidate(path string) (candidate, bool) {
	st, err := os.Stat(path)
	if err != nil || st.IsDir() {
		return candidate{}, false
	}
	return candidate{path: path, executable: isExecutable(st)}, true
}

func isExecutable(st os.FileInfo) bool {
	if runtime.GOOS == "windows" {
		return st.Mode().IsRegular()
	}
	return st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0
}

// resolution is how a binary name resolves: the first executable candidate runs (as a shell
// skips non-executable files on $PATH); the others are reported by `commands`.
type resolution struct {
	name    string
	path    string      // "" when nothing executable was found
	notExec []candidate // found before or instead of path, not executable
	shadow  []candidate // found after path: never run
}

// first returns the binary dispatch runs: the first executable file called name, stopping there
// (the full resolve is for the listings). notExec holds non-executable files seen before it.
func (f *finder) first(name string) resolution {
	r := resolution{name: name}
	for _, d := range f.dirs {
		if c, ok := statCandidate(filepath.Join(d, name+exeSuffix)); ok {
			if c.executable {
				r.path = c.path
				return r
			}
			r.notExec = append(r.notExec, c)
		}
	}
	return r
}

func (f *finder) resolve(name string) resolution {
	r := resolution{name: name}
	for _, c := range f.candidates(name) {
		switch {
		case r.path != "":
			r.shadow = append(r.shadow, c)
		case c.executable:
			r.path = c.path
		default:
			r.notExec = append(r.notExec, c)
		}
	}
	return r
}

// thirdParty returns the names (without the prefix) of every plugin-* file in the search
// directories, sorted, excluding the project's own tools.
func (f *finder) thirdParty() []string {
	seen := map[string]bool{}
	for _, d := range f.dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range entries {
			name := strings.TrimSuffix(e.Name(), exeSuffix)
			if !strings.HasPrefix(name, pluginPrefix) || len(name) == len(pluginPrefix) || isToolName(name) {
				continue
			}
			if e.IsDir() {
				continue
			}
			seen[strings.TrimPrefix(name, pluginPrefix)] = true
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// validCommandName rejects names that would make plugin-<name> a path ("x/../../sh") or a flag.
func validCommandName(cmd string) bool {
	return cmd != "" && !strings.HasPrefix(cmd, "-") && !strings.ContainsAny(cmd, `/\`+string(os.PathListSeparator)) && cmd != "." && cmd != ".."
}
