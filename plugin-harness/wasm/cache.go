package wasm

// The code cache: what a run of a plugin.wasm prepares (the core modules rewritten for fuel,
// site markers and bounded table growth) and what wazero compiles from it are kept under the
// user cache dir between runs, so a warm `test` neither rewrites nor compiles.
//
//	<root>/<harness version>/prepared/<key>           what the run needs of the rewriting, naming its modules
//	<root>/<harness version>/modules/<sha256>         a rewritten module
//	<root>/<harness version>/prepared/<key>.compiled  wazero's compiler has cached their code
//	<root>/<harness version>/wazero/…                 wazero's file cache (keyed by each module's digest)
//	<root>/<harness version>/staging-<pid>-*          a compile under way for the test of process <pid>
//
// A prepared entry's key digests the build of the harness (its Go build ID), the artifact,
// memory_mb and the host's table allowance: a rebuilt harness never reads what another build
// prepared. Entries are written whole (temporary file, then rename) and checked by a digest when
// read; a bad one is a miss.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/buildinfo"
	"github.com/mcpg-dev/mcpg-plugins/shared/proc"
)

const (
	preparedMagic = "mcpg-plugins prepared wasm v1\n"
	// keptPrepared is how many prepared entries a harness version keeps (the most recently used).
	keptPrepared = 16
	// staleVersionAge is how long another harness version's cache is kept after its last use.
	staleVersionAge = 7 * 24 * time.Hour
)

// codeCache is the cache of one harness version under root.
type codeCache struct {
	dir string // <root>/<version>
}

// openCodeCache makes the version's directory, private to the user (it holds code that is run),
// and marks it used.
func openCodeCache(root string) (*codeCache, error) {
	dir := filepath.Join(root, cacheVersion())
	if err := os.MkdirAll(filepath.Join(dir, "prepared"), 0o700); err != nil {
		return nil, err
	}
	now := time.Now()
	_ = os.Chtimes(dir, now, now)
	return &codeCache{dir: dir}, nil
}

// cacheVersion names the harness version's directory: the release, made safe for a file name.
func cacheVersion() string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 || r == ':' {
			return '_'
		}
		return r
	}, buildinfo.Version)
}

func (c *codeCache) wazeroDir() string { return filepath.Join(c.dir, "wazero") }

// preparedKey digests everything preparing a plugin.wasm depends on.
func preparedKey(artifact [32]byte, limits Limits, coreModule bool) string {
	h := sha256.New()
	fmt.Fprintf(h, "build %s\n", buildKey())
	fmt.Fprintf(h, "artifact %x\n", artifact)
	// Of the limits only memory_mb decides a load (fuel and timeout_ms are per call).
	fmt.Fprintf(h, "memory_mb %d\n", limits.MemoryMB)
	alloc, _ := allocLimit()
	fmt.Fprintf(h, "alloc %d core %t bench %d\n", alloc, coreModule, benchMode)
	return hex.EncodeToString(h.Sum(nil))
}

var buildKeyOnce = sync.OnceValue(readBuildKey)

func buildKey() string { return buildKeyOnce() }

// readBuildKey identifies this very build of the harness: the Go build ID the toolchain puts in
// every ELF binary, else a digest of the executable; the release version when neither can be read.
func readBuildKey() string {
	exe, err := os.Executable()
	if err != nil {
		return "version " + buildinfo.Version
	}
	if f, err := elf.Open(exe); err == nil {
		defer f.Close()
		if s := f.Section(".note.go.buildid"); s != nil {
			if data, err := s.Data(); err == nil && len(data) > 16 {
				return "go build id " + hex.EncodeToString(data)
			}
		}
	}
	f, err := os.Open(exe)
	if err != nil {
		return "version " + buildinfo.Version
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "version " + buildinfo.Version
	}
	return "executable " + hex.EncodeToString(h.Sum(nil))
}

// preparedProgram is what a run keeps of preparing a component: each core instance's module as
// compiled and the facts of the rewriting the run needs later.
type preparedProgram struct {
	Modules [][]byte // the distinct rewritten modules
	Insts   []preparedInst
}

type preparedInst struct {
	Module      int // index into Modules
	HasMarks    bool
	MarksFirst  uint32
	Marks       []preparedMark
	Grown       bool // the module may have a table.grow (tables.go)
	GrowFirst   uint32
	GrowTables  []uint32
	GrowHelpers bool // its table.grow instructions call helpers
}

type preparedMark struct {
	Kind          uint8
	Target, Table uint32
	Ordinal       int
}

// preparedMeta is a prepared entry as stored: the modules by digest (each in modules/<hex>,
// shared by the entries that have it), the rest as is.
type preparedMeta struct {
	Modules []string
	Insts   []preparedInst
}

// load reads the prepared entry key; false when there is none or it is damaged.
func (c *codeCache) load(key string) (*preparedProgram, bool) {
	path := filepath.Join(c.dir, "prepared", key)
	meta, ok := readMeta(path)
	if !ok {
		return nil, false
	}
	pp := &preparedProgram{Insts: meta.Insts}
	for _, digest := range meta.Modules {
		path := filepath.Join(c.dir, "modules", digest)
		m, err := os.ReadFile(path)
		if err != nil {
			return nil, false
		}
		if sum := sha256.Sum256(m); hex.EncodeToString(sum[:]) != digest {
			os.Remove(path) // damaged: store writes it again
			return nil, false
		}
		pp.Modules = append(pp.Modules, m)
	}
	for _, in := range pp.Insts {
		if in.Module < 0 || in.Module >= len(pp.Modules) {
			return nil, false
		}
	}
	now := time.Now()
	_ = os.Chtimes(path, now, now) // used: pruning keeps the most recently used
	return pp, true
}

func readMeta(path string) (*preparedMeta, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	body, ok := bytes.CutPrefix(data, []byte(preparedMagic))
	if !ok || len(body) < sha256.Size {
		return nil, false
	}
	sum, payload := body[:sha256.Size], body[sha256.Size:]
	if got := sha256.Sum256(payload); !bytes.Equal(got[:], sum) {
		return nil, false
	}
	var meta preparedMeta
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&meta); err != nil {
		return nil, false
	}
	for _, d := range meta.Modules {
		if len(d) != 2*sha256.Size || strings.Trim(d, "0123456789abcdef") != "" {
			return nil, false
		}
	}
	return &meta, true
}

// store writes the prepared entry key, its modules first, each file whole; then it keeps only
// the most recently used entries.
func (c *codeCache) store(key string, pp *preparedProgram) error {
	modules := filepath.Join(c.dir, "modules")
	if err := os.MkdirAll(modules, 0o700); err != nil {
		return err
	}
	meta := preparedMeta{Insts: pp.Insts}
	for _, m := range pp.Modules {
		sum := sha256.Sum256(m)
		digest := hex.EncodeToString(sum[:])
		meta.Modules = append(meta.Modules, digest)
		if _, err := os.Stat(filepath.Join(modules, digest)); err == nil {
			continue
		}
		if err := writeWhole(modules, digest, [][]byte{m}); err != nil {
			return err
		}
	}
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(&meta); err != nil {
		return err
	}
	sum := sha256.Sum256(payload.Bytes())
	if err := writeWhole(filepath.Join(c.dir, "prepared"), key, [][]byte{[]byte(preparedMagic), sum[:], payload.Bytes()}); err != nil {
		return err
	}
	c.prune()
	return nil
}

// compiled says whether wazero's compiler has cached the code of entry key.
func (c *codeCache) compiled(key string) bool {
	_, err := os.Stat(filepath.Join(c.dir, "prepared", key+".compiled"))
	return err == nil
}

func (c *codeCache) markCompiled(key string) error {
	return writeWhole(filepath.Join(c.dir, "prepared"), key+".compiled", nil)
}

// writeWhole writes dir/name from parts through a temporary file renamed into place.
func writeWhole(dir, name string, parts [][]byte) (err error) {
	f, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	for _, p := range parts {
		if _, err = f.Write(p); err != nil {
			return err
		}
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, name))
}

// prune keeps the keptPrepared most recently used prepared entries of this version.
func (c *codeCache) prune() {
	dir := filepath.Join(c.dir, "prepared")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type used struct {
		name string
		at   time.Time
	}
	var all []used
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".compiled") {
			if staleTemp(e) {
				os.Remove(filepath.Join(dir, name))
			}
			continue
		}
		if info, err := e.Info(); err == nil {
			all = append(all, used{name, info.ModTime()})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].at.After(all[j].at) })
	if len(all) > keptPrepared {
		for _, u := range all[keptPrepared:] {
			os.Remove(filepath.Join(dir, u.name+".compiled"))
			os.Remove(filepath.Join(dir, u.name))
		}
		all = all[:keptPrepared]
	}
	// The modules no entry kept has.
	kept := map[string]bool{}
	for _, u := range all {
		meta, ok := readMeta(filepath.Join(dir, u.name))
		if !ok {
			return // unreadable (being replaced?): keep every module this time
		}
		for _, d := range meta.Modules {
			kept[d] = true
		}
	}
	modules := filepath.Join(c.dir, "modules")
	files, _ := os.ReadDir(modules)
	for _, f := range files {
		if !kept[f.Name()] && (!strings.HasPrefix(f.Name(), ".") || staleTemp(f)) {
			os.Remove(filepath.Join(modules, f.Name()))
		}
	}
}

// staleTemp says whether e is the temporary file of a writer killed over an hour ago.
func staleTemp(e os.DirEntry) bool {
	if !strings.HasSuffix(e.Name(), ".tmp") {
		return false
	}
	info, err := e.Info()
	return err == nil && time.Since(info.ModTime()) > time.Hour
}

// stagingPrefix names the directory a compile for the cache writes into before its files are
// moved into wazero's cache: the pid is the test's (the worker's parent), who removes it.
func stagingPrefix(pid int) string { return "staging-" + strconv.Itoa(pid) + "-" }

// SweepCache removes what runs left in the code cache under root: the staging directories of
// test process pid (ended or interrupted compiles), those of processes that no longer exist, and
// other harness versions' caches unused for a week. Errors are ignored: the cache is an
// optimisation.
func SweepCache(root string, pid int) {
	versions, err := os.ReadDir(root)
	if err != nil {
		return
	}
	current := cacheVersion()
	for _, v := range versions {
		dir := filepath.Join(root, v.Name())
		if !v.IsDir() {
			continue
		}
		if v.Name() != current {
			if info, err := v.Info(); err == nil && time.Since(info.ModTime()) > staleVersionAge {
				os.RemoveAll(dir)
			}
			continue
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			owner, ok := stagingOwner(e.Name())
			if ok && (owner == pid || !proc.Alive(owner)) {
				os.RemoveAll(filepath.Join(dir, e.Name()))
			}
		}
	}
}

func stagingOwner(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, "staging-")
	if !ok {
		return 0, false
	}
	pid, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(pid)
	return n, err == nil && n > 0
}

// preparedInstOf records what instance i's rewriting made: its module, its markers, its
// table.grow helpers.
func preparedInstOf(module int, marks *siteMarks, tb *tableBounds, i int) preparedInst {
	pi := preparedInst{Module: module, Grown: tb.grown[i]}
	if marks != nil {
		pi.HasMarks, pi.MarksFirst = true, marks.first
		for _, m := range marks.marks {
			pi.Marks = append(pi.Marks, preparedMark{Kind: uint8(m.kind), Target: m.target, Table: m.table, Ordinal: m.ordinal})
		}
	}
	if g := tb.grows[i]; g != nil {
		pi.GrowHelpers, pi.GrowFirst, pi.GrowTables = true, g.first, g.tables
	}
	return pi
}

// siteMarks is the instance's markers as sites.go made them.
func (pi preparedInst) siteMarks() *siteMarks {
	if !pi.HasMarks {
		return nil
	}
	s := &siteMarks{first: pi.MarksFirst, marks: make([]mark, len(pi.Marks))}
	for i, m := range pi.Marks {
		s.marks[i] = mark{kind: markKind(m.Kind), target: m.Target, table: m.Table, ordinal: m.Ordinal}
	}
	return s
}

// runCache is one run's use of the code cache; a nil *runCache is no cache.
type runCache struct {
	cc       *codeCache
	key      string // the prepared entry; "" for a core module, which is not prepared ahead
	prepared *preparedProgram
	limits   Limits
	// compileLater: this run is interpreted, and the code is compiled for the next one.
	compileLater bool
}

// openRunCache finds what the cache under opts.CacheDir holds for artifact run under limits. A
// cache that cannot be used is a warning: the run goes on without it.
func openRunCache(artifact []byte, limits Limits, opts Options, isCore bool) (*runCache, string) {
	if opts.CacheDir == "" {
		return nil, ""
	}
	cc, err := openCodeCache(opts.CacheDir)
	if err == nil {
		err = probeWritable(filepath.Join(cc.dir, "prepared"))
	}
	if err != nil {
		return nil, fmt.Sprintf("the compiled code is not cached (%v): every run compiles plugin.wasm again", err)
	}
	rc := &runCache{cc: cc, limits: limits}
	if isCore || benchMode != benchOff {
		return rc, ""
	}
	digest := opts.ArtifactSHA256
	if digest == nil {
		sum := sha256.Sum256(artifact)
		digest = &sum
	}
	rc.key = preparedKey(*digest, limits, isCore)
	rc.prepared, _ = cc.load(rc.key)
	return rc, ""
}

func probeWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

// wazeroDir is wazero's compilation cache for a run on engine ("" for none: the interpreter
// compiles nothing worth keeping).
func (rc *runCache) wazeroDir(engine Engine) string {
	if rc == nil || engine != EngineCompiler {
		return ""
	}
	return rc.cc.wazeroDir()
}

func (rc *runCache) preparedProgram() *preparedProgram {
	if rc == nil {
		return nil
	}
	return rc.prepared
}

// compiledHit says whether wazero's compiler already cached this run's code (a core module,
// not prepared ahead, is left to wazero's cache alone).
func (rc *runCache) compiledHit() bool {
	return rc.key == "" || rc.prepared != nil && rc.cc.compiled(rc.key)
}

// loaded records a successful load: what it prepared, whether its code went through wazero's
// compiler (and so into its cache), and returns the compile still to be done, if any.
func (rc *runCache) loaded(p *program, engine Engine) *PendingCompile {
	if rc == nil || rc.key == "" {
		return nil
	}
	pp := rc.prepared
	if p.prepared != nil {
		pp = p.prepared
		if err := rc.cc.store(rc.key, pp); err != nil {
			return nil // a cache that cannot be written: nothing to compile for it either
		}
	}
	if engine == EngineCompiler {
		_ = rc.cc.markCompiled(rc.key)
	}
	if !rc.compileLater || pp == nil {
		return nil
	}
	return &PendingCompile{cc: rc.cc, key: rc.key, modules: pp.Modules, limits: rc.limits}
}

// PendingCompile is the compile a cold run leaves for after its report: wazero's optimizing
// compiler on the rewritten modules, into the code cache, so the next run starts compiled.
type PendingCompile struct {
	cc      *codeCache
	key     string
	modules [][]byte
	limits  Limits
}

// Size is the bytes to compile.
func (pc *PendingCompile) Size() int {
	n := 0
	for _, m := range pc.modules {
		n += len(m)
	}
	return n
}

// Run compiles into a staging directory named for process owner (who removes it should this
// process be killed: SweepCache), then moves the compiled files into wazero's cache and marks the
// entry compiled. Either the whole entry is cached or nothing is.
func (pc *PendingCompile) Run(ctx context.Context, owner int) error {
	staging, err := os.MkdirTemp(pc.cc.dir, stagingPrefix(owner))
	if err != nil {
		return err
	}
	defer os.RemoveAll(staging)
	rt, err := newRuntime(ctx, pc.limits, EngineCompiler, staging)
	if err != nil {
		return err
	}
	defer rt.Close(context.Background())
	for _, m := range pc.modules {
		cm, err := rt.CompileModule(ctx, m)
		if err != nil {
			return fmt.Errorf("compiling the rewritten module: %v", err)
		}
		_ = cm.Close(ctx)
	}
	err = filepath.WalkDir(staging, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".tmp") {
			return err
		}
		rel, err := filepath.Rel(staging, path)
		if err != nil {
			return err
		}
		target := filepath.Join(pc.cc.wazeroDir(), rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			return err
		}
		return os.Rename(path, target)
	})
	if err != nil {
		return fmt.Errorf("moving the compiled code into %s: %v", pc.cc.wazeroDir(), err)
	}
	return pc.cc.markCompiled(pc.key)
}
