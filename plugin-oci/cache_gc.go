package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/gwcache"
)

const cacheGCHelp = `Usage: plugin-oci cache gc [--cache-dir DIR] [--keep-latest N] [--older-than DUR] [--dry-run]
                          [--unpack-cache] [--unpack-dir DIR] [--unpack-keep ZIP]... [--json]

Garbage-collect the gateway's OCI pull cache: the <reference>.zip files a gateway (or
'plugin-oci pull --into-gateway-cache') left in its cache directory. Entries are grouped per
plugin — the file name up to its last "_", so every tag and digest of a repository is one group —
and ordered newest first by modification time. The newest N of each group are kept; older ones
are removed only if --older-than is given and they are at least that old. Without --older-than
nothing is ever removed, whatever --keep-latest says: run with --dry-run first.

Beyond the reference CLI:
  - a zip's .layer-sha256 sidecar is removed with it, and sidecars whose zip is gone (orphans,
    useless to the gateway, which needs both) are removed whatever their age;
  - temporary files of pulls that were killed mid-write (hidden .<name>.zip.tmp-N files nobody
    is writing and untouched for an hour) are removed;
  - --unpack-cache also prunes the gateway's unpack cache, <tmp>/mcpg-plugin-cache/<alias>/<key>/,
    where <key> is the first 16 hex digits of sha256 of the zip that was extracted there. A key
    dir is kept if its key matches a zip the OCI cache keeps (or an --unpack-keep zip) — that is
    what the gateway will look for at its next boot. Other key dirs follow the same rules as zips,
    per alias: the newest --keep-latest stay, and the rest go only when --older-than is given and
    the dir's mtime (when the gateway last extracted into it) is at least that old. The aliases
    are the gateway config's plugin ids, unrelated to the zip names, so matching is by hash only.
    Packages loaded from a local source.path .zip are extracted there too: pass those zips with
    --unpack-keep so their dirs stay (else a gateway boot re-extracts them).

The cache is locked while gc decides and deletes (a .mcpg-plugins.lock file in it), so a
concurrent 'plugin-oci pull --into-gateway-cache' never loses the zip it is writing; gc waits up
to --lock-timeout for the lock, then fails. The gateway itself takes no lock, and gc never touches
a zip it keeps, nor a sidecar that does not belong to a removed zip or to no zip. Windows builds
take no file locks and warn so: run gc there only while no pull is writing into the cache.

Flags:
  --cache-dir DIR       the OCI cache directory (the gateway's plugin_registry.cache_dir). Default:
                        as the gateway resolves it: $XDG_CACHE_HOME/mcpg/plugins/oci, else
                        $HOME/.cache/mcpg/plugins/oci, else /var/cache/mcpg/plugins/oci
  --keep-latest N       per plugin, keep the N most recent entries (default 3)
  --older-than DUR      entries beyond N at least this old are removed. DUR is a whole number and a
                        unit: s, sec, secs, seconds (the default), m, min, mins, minutes, h, hr,
                        hrs, hour, hours, d, day, days, w, week, weeks ("30d", "12h", "1 hour").
                        No default: nothing is removed without it
  --dry-run             print the plan; delete nothing
  --unpack-cache        also prune the unpack cache (see above)
  --unpack-dir DIR      the unpack cache's root (default $TMPDIR/mcpg-plugin-cache, /tmp without
                        TMPDIR); implies --unpack-cache
  --unpack-keep ZIP     keep the unpack dirs of this package zip (repeatable); implies --unpack-cache
  --lock-timeout DUR    how long to wait for the cache lock (default 10s; 0 = do not wait)
  --json                print one JSON document with every kept and removed entry instead
  -h, --help            show this help

Output (the reference CLI's lines, then what it does not do):
  Cache: <dir>
  Kept: <n> file(s), Removed: <n>[ (dry-run)]
  Would remove: | Removing:   and   Kept:
    <size>  <age>  <file>          sizes 42B, 2.0K, 3.0M, 4.00G; ages Nd, Nh, Nm, Ns
  Removed <n> file(s), freed <size>.
A missing directory prints "Cache directory does not exist: <dir>" and "Nothing to do."; one
without zips "No plugin artifacts in cache: <dir>".

Examples:
  plugin-oci cache gc --older-than 30d --dry-run
  plugin-oci cache gc --keep-latest 1 --older-than 7d --unpack-cache
  plugin-oci cache gc --cache-dir /var/lib/mcpg/oci --older-than 2w --json

Exit status: 0 done (including nothing to do); 1 a file could not be removed (listed under
"Errors:" on stderr; the rest was removed) or the cache stayed locked; 2 usage; 3 the cache
could not be read.
`

// defaultLockTimeout is how long gc waits for a pull committing into the cache.
const defaultLockTimeout = 10 * time.Second

type gcOptions struct {
	dir, unpackDir string
	keepLatest     uint64
	olderThan      *uint64 // seconds; nil = never remove
	dryRun, json   bool
	unpack         bool
	unpackKeep     []string
	lockTimeout    time.Duration
}

func runCacheGC(env *cli.Env, args []string) error {
	fs := cli.NewFlagSet("plugin-oci cache gc", cacheGCHelp, env.Stdout)
	var o gcOptions
	var keep, older, lockTimeout string
	fs.StringVar(&o.dir, "cache-dir", "", "")
	fs.StringVar(&keep, "keep-latest", "3", "")
	fs.StringVar(&older, "older-than", "", "")
	fs.BoolVar(&o.dryRun, "dry-run", false, "")
	fs.BoolVar(&o.json, "json", false, "")
	fs.BoolVar(&o.unpack, "unpack-cache", false, "")
	fs.StringVar(&o.unpackDir, "unpack-dir", "", "")
	fs.StringsVar(&o.unpackKeep, "unpack-keep", "")
	fs.StringVar(&lockTimeout, "lock-timeout", "10s", "")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if err := cli.CheckArgs("plugin-oci cache gc", pos, 0, 0, ""); err != nil {
		return err
	}
	if o.keepLatest, err = parseCount(keep); err != nil {
		// The reason is the reference CLI's (Rust's integer parser), word for word; the hint is ours.
		return cli.WithHint(cli.Usagef("plugin-oci cache gc: invalid --keep-latest '%s': %s", keep, err),
			"--keep-latest takes a whole number from 0 up, e.g. --keep-latest 3")
	}
	if fs.Visited("keep-latest") && !fs.Visited("older-than") {
		// As in the reference CLI, only age removes entries; say so rather than keep all silently.
		fmt.Fprintf(env.Stderr, "note: without --older-than nothing is removed, whatever --keep-latest says; add e.g. --older-than 30d to remove entries beyond the newest %d\n", o.keepLatest)
	}
	if fs.Visited("older-than") {
		secs, ok := parseDurationSecs(older)
		if !ok {
			return cli.WithHint(cli.Usagef("plugin-oci cache gc: invalid --older-than value '%s'", older), "use e.g. 30d, 12h, 2w, 3600s")
		}
		o.olderThan = &secs
	}
	secs, ok := parseDurationSecs(lockTimeout)
	if !ok {
		return cli.WithHint(cli.Usagef("plugin-oci cache gc: invalid --lock-timeout value '%s'", lockTimeout), "use e.g. 30s, 2m")
	}
	o.lockTimeout = time.Duration(min(secs, 1<<32)) * time.Second
	if fs.Visited("cache-dir") && o.dir == "" {
		return cli.Usagef("plugin-oci cache gc: --cache-dir is an empty string")
	}
	if o.dir == "" {
		o.dir = gwcache.DefaultDir(env.Getenv)
	}
	if o.unpackDir != "" || len(o.unpackKeep) > 0 {
		o.unpack = true
	}
	if o.unpack && o.unpackDir == "" {
		o.unpackDir = gwcache.UnpackCacheDir(gwcache.TempDir(env.Getenv))
	}
	return cacheGC(env, o, time.Now())
}

// gcPlan is what gc decided, then what it did.
type gcPlan struct {
	opts      gcOptions
	exists    bool
	scanned   bool // the directory had zips
	kept      []cacheZip
	removed   []cacheZip
	sidecars  []gcSidecar
	temps     []cacheFile
	unpack    *unpackPlan
	errors    []string
	done      tally // zips actually removed
	doneSide  tally
	doneTemps tally
	doneOrph  int // orphaned sidecars among doneSide
}

type gcSidecar struct {
	cacheFile
	Orphaned bool
}

type tally struct {
	n     int
	bytes int64
}

func (t *tally) add(size int64) { t.n++; t.bytes += size }

func cacheGC(env *cli.Env, o gcOptions, now time.Time) error {
	p := &gcPlan{opts: o}
	if _, err := os.Stat(o.dir); err == nil {
		p.exists = true
		lock, err := gwcache.Lock(o.dir, o.lockTimeout)
		switch {
		case errors.Is(err, gwcache.ErrLocked):
			return cli.WithHint(cli.Failf("cannot gc %s: another process (a pull writing into the cache, or another gc) still held its lock after %s",
				o.dir, o.lockTimeout), "try again when it has finished, or wait longer with --lock-timeout")
		case err != nil && !o.dryRun:
			return fileio.IOError("lock", joinPath(o.dir, gwcache.LockFileName), err)
		}
		locked := err == nil // a dry run goes on without the lock when the directory is read-only
		if !gwcache.FileLocks && !o.dryRun {
			env.Warnf("this %s build takes no file locks: run cache gc only while no pull is writing into %s", runtime.GOOS, o.dir)
		}
		defer lock.Unlock()
		sc, err := scanCache(o.dir, now, locked)
		if err != nil {
			return err
		}
		p.plan(sc, now)
	}
	if o.unpack {
		keep, err := unpackReferences(p.kept, o.unpackKeep)
		if err != nil {
			return err
		}
		if p.unpack, err = planUnpack(o.unpackDir, keep, o.keepLatest, o.olderThan, now); err != nil {
			return err
		}
	}
	if !o.json {
		p.printPlan(env.Stdout, now)
	}
	if !o.dryRun {
		p.execute()
	}
	if o.json {
		if err := cli.WriteJSON(env.Stdout, p.toJSON(now)); err != nil {
			return err
		}
	} else {
		p.printSummary(env.Stdout)
	}
	if len(p.errors) > 0 {
		fmt.Fprintln(env.Stderr)
		fmt.Fprintln(env.Stderr, "Errors:")
		for _, e := range p.errors {
			fmt.Fprintf(env.Stderr, "  %s\n", e)
		}
		return cli.Failf("cache gc: %d removal error(s)", len(p.errors))
	}
	return nil
}

// plan applies the reference's plan_gc, then picks the sidecars and temporary files to go.
func (p *gcPlan) plan(sc cacheScan, now time.Time) {
	p.scanned = len(sc.Zips) > 0
	groups := map[string][]cacheZip{}
	var names []string
	for _, z := range sc.Zips {
		if _, ok := groups[z.Group]; !ok {
			names = append(names, z.Group)
		}
		groups[z.Group] = append(groups[z.Group], z)
	}
	sort.Strings(names)
	for _, g := range names {
		zips := groups[g]
		sortNewestFirst(zips, func(z cacheZip) time.Time { return z.MTime })
		for i, z := range zips {
			if uint64(i) >= p.opts.keepLatest && p.opts.olderThan != nil && olderThan(now, z.MTime, *p.opts.olderThan) {
				p.removed = append(p.removed, z)
			} else {
				p.kept = append(p.kept, z)
			}
		}
	}
	for _, z := range p.removed {
		if z.Sidecar != nil {
			p.sidecars = append(p.sidecars, gcSidecar{cacheFile: *z.Sidecar})
		}
	}
	for _, f := range sc.Orphans {
		p.sidecars = append(p.sidecars, gcSidecar{cacheFile: f, Orphaned: true})
	}
	p.temps = sc.Temps
}

func (p *gcPlan) execute() {
	remove := func(f cacheFile, t *tally) {
		if err := removeFile(f.Path); err != nil {
			p.errors = append(p.errors, removalError(f.Path, err))
			return
		}
		t.add(f.Size)
	}
	for _, z := range p.removed {
		remove(z.cacheFile, &p.done)
	}
	for _, s := range p.sidecars {
		n := p.doneSide.n
		remove(s.cacheFile, &p.doneSide)
		if s.Orphaned && p.doneSide.n > n {
			p.doneOrph++
		}
	}
	for _, f := range p.temps {
		remove(f, &p.doneTemps)
	}
	if p.unpack != nil {
		p.errors = append(p.errors, p.unpack.execute()...)
	}
}

func (p *gcPlan) printPlan(w io.Writer, now time.Time) {
	o := p.opts
	dry := map[bool]string{true: " (dry-run)"}[o.dryRun]
	removing := map[bool]string{true: "Would remove", false: "Removing"}[o.dryRun]
	switch {
	case !p.exists:
		fmt.Fprintf(w, "Cache directory does not exist: %s\n", o.dir)
		if !o.unpack {
			fmt.Fprintln(w, "Nothing to do.")
		}
	case !p.scanned:
		fmt.Fprintf(w, "No plugin artifacts in cache: %s\n", o.dir)
	default:
		fmt.Fprintf(w, "Cache: %s\n", o.dir)
		fmt.Fprintf(w, "Kept: %d file(s), Removed: %d%s\n\n", len(p.kept), len(p.removed), dry)
		if len(p.removed) > 0 {
			fmt.Fprintf(w, "%s:\n", removing)
			for _, z := range p.removed {
				fmt.Fprintln(w, entryLine(z.Size, now, z.MTime, z.Name))
			}
		}
		if len(p.kept) > 0 {
			fmt.Fprintf(w, "\nKept:\n")
			for _, z := range p.kept {
				fmt.Fprintln(w, entryLine(z.Size, now, z.MTime, z.Name))
			}
		}
	}
	if len(p.sidecars) > 0 {
		fmt.Fprintf(w, "\n%s sidecars:\n", removing)
		for _, s := range p.sidecars {
			line := entryLine(s.Size, now, s.MTime, s.Name)
			if s.Orphaned {
				line += "  (orphaned: no " + strings.TrimSuffix(s.Name, gwcache.SidecarSuffix) + ")"
			}
			fmt.Fprintln(w, line)
		}
	}
	if len(p.temps) > 0 {
		fmt.Fprintf(w, "\n%s abandoned temporary files:\n", removing)
		for _, f := range p.temps {
			fmt.Fprintln(w, entryLine(f.Size, now, f.MTime, f.Name))
		}
	}
	if p.unpack != nil {
		p.unpack.printPlan(w, now, dry, removing)
	}
}

func (p *gcPlan) printSummary(w io.Writer) {
	if p.opts.dryRun {
		return
	}
	var lines []string
	if p.scanned {
		lines = append(lines, fmt.Sprintf("Removed %d file(s), freed %s.", p.done.n, formatBytes(p.done.bytes)))
	}
	if len(p.sidecars) > 0 {
		lines = append(lines, fmt.Sprintf("Removed %d sidecar(s) (%d orphaned), freed %s.", p.doneSide.n, p.doneOrph, formatBytes(p.doneSide.bytes)))
	}
	if len(p.temps) > 0 {
		lines = append(lines, fmt.Sprintf("Removed %d temporary file(s), freed %s.", p.doneTemps.n, formatBytes(p.doneTemps.bytes)))
	}
	if p.unpack != nil && p.unpack.exists {
		lines = append(lines, fmt.Sprintf("Removed %d unpack dir(s), freed %s.", p.unpack.done.n, formatBytes(p.unpack.done.bytes)))
	}
	if len(lines) > 0 {
		fmt.Fprintf(w, "\n%s\n", strings.Join(lines, "\n"))
	}
}
