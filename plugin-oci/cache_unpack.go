package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/gwcache"
)

// unpackDir is one <alias>/<key> directory of the gateway's unpack cache.
type unpackDir struct {
	Alias, Key string
	Path       string
	Size       int64 // bytes of the regular files inside
	MTime      time.Time
	Match      string // the zip whose sha256 starts with Key, or "" (unreferenced)
}

func (d unpackDir) name() string { return d.Alias + "/" + d.Key }

type unpackPlan struct {
	root          string
	exists        bool
	kept, removed []unpackDir
	done          tally
}

// unpackReferences maps the unpack key of every zip gc keeps, and of every --unpack-keep zip, to
// that zip's name. The zips are hashed before anything is deleted, so an unreadable one stops gc
// rather than orphaning its unpack dir.
func unpackReferences(kept []cacheZip, extra []string) (map[string]string, error) {
	refs := map[string]string{}
	add := func(path, name string) error {
		d, _, err := digest.File(path)
		if err != nil {
			return fileio.IOError("read", path, err)
		}
		if k := gwcache.UnpackKey(d); refs[k] == "" {
			refs[k] = name
		}
		return nil
	}
	for _, z := range kept {
		if err := add(z.Path, z.Name); err != nil {
			return nil, err
		}
	}
	for _, path := range extra {
		if err := add(path, path); err != nil {
			return nil, err
		}
	}
	return refs, nil
}

// planUnpack decides which key dirs under root go: unreferenced ones beyond the newest
// keepLatest of their alias that are at least threshold seconds old (never without one). Only
// real directories named by 16 lowercase hex digits are considered; symlinks and anything else
// are left alone.
func planUnpack(root string, refs map[string]string, keepLatest uint64, threshold *uint64, now time.Time) (*unpackPlan, error) {
	u := &unpackPlan{root: root}
	aliases, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return u, nil
	}
	if err != nil {
		return nil, fileio.IOError("read", root, err)
	}
	u.exists = true
	for _, a := range aliases {
		if !a.IsDir() {
			continue
		}
		aliasPath := joinPath(root, a.Name())
		keys, err := os.ReadDir(aliasPath)
		if err != nil {
			return nil, fileio.IOError("read", aliasPath, err)
		}
		var dirs []unpackDir
		for _, k := range keys {
			if !k.IsDir() || !gwcache.IsUnpackKey(k.Name()) {
				continue
			}
			info, err := k.Info()
			if err != nil {
				continue // vanished meanwhile
			}
			path := joinPath(aliasPath, k.Name())
			dirs = append(dirs, unpackDir{Alias: a.Name(), Key: k.Name(), Path: path, Size: treeSize(path), MTime: info.ModTime(), Match: refs[k.Name()]})
		}
		sortNewestFirst(dirs, func(d unpackDir) time.Time { return d.MTime })
		for i, d := range dirs {
			if d.Match == "" && uint64(i) >= keepLatest && threshold != nil && olderThan(now, d.MTime, *threshold) {
				u.removed = append(u.removed, d)
			} else {
				u.kept = append(u.kept, d)
			}
		}
	}
	return u, nil
}

func treeSize(root string) int64 {
	var n int64
	filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// execute removes the planned dirs, then alias dirs left empty by that.
func (u *unpackPlan) execute() []string {
	var errs []string
	emptied := map[string]bool{}
	for _, d := range u.removed {
		if err := os.RemoveAll(d.Path); err != nil {
			errs = append(errs, removalError(d.Path, err))
			continue
		}
		u.done.add(d.Size)
		emptied[joinPath(u.root, d.Alias)] = true
	}
	for dir := range emptied {
		if ents, err := os.ReadDir(dir); err == nil && len(ents) == 0 {
			os.Remove(dir)
		}
	}
	return errs
}

func (u *unpackPlan) printPlan(w io.Writer, now time.Time, dry, removing string) {
	fmt.Fprintln(w)
	switch {
	case !u.exists:
		fmt.Fprintf(w, "Unpack cache directory does not exist: %s\n", u.root)
		return
	case len(u.kept)+len(u.removed) == 0:
		fmt.Fprintf(w, "No unpacked plugins in cache: %s\n", u.root)
		return
	}
	fmt.Fprintf(w, "Unpack cache: %s\n", u.root)
	fmt.Fprintf(w, "Kept: %d dir(s), Removed: %d%s\n\n", len(u.kept), len(u.removed), dry)
	if len(u.removed) > 0 {
		fmt.Fprintf(w, "%s:\n", removing)
		for _, d := range u.removed {
			fmt.Fprintln(w, entryLine(d.Size, now, d.MTime, d.name()))
		}
	}
	if len(u.kept) > 0 {
		fmt.Fprintf(w, "\nKept:\n")
		for _, d := range u.kept {
			line := entryLine(d.Size, now, d.MTime, d.name())
			if d.Match != "" {
				line += "  (matches " + d.Match + ")"
			}
			fmt.Fprintln(w, line)
		}
	}
}
