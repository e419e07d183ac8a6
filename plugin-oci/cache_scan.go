package main

import (
	"errors"
	"io/fs"
	"os"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/gwcache"
)

// staleTempAge is how long a temporary file must have been left untouched before gc removes it,
// on top of nobody holding its lock: a writer that does not lock (an ordinary `pull -o` into
// the cache dir) keeps its file's mtime fresh while it writes.
const staleTempAge = time.Hour

// cacheFile is one file in the OCI cache directory.
type cacheFile struct {
	Name  string // as in the directory
	Path  string // dir joined with Name, for messages
	MTime time.Time
	Size  int64
}

// cacheZip is a cache entry as the reference's scan_cache_dir sees it: a *.zip regular file in
// the top directory, grouped by its stem up to the last "_".
type cacheZip struct {
	cacheFile
	Group, Tag string
	Sidecar    *cacheFile // whatever is at <zip>.layer-sha256, if anything
}

type cacheScan struct {
	Zips    []cacheZip
	Orphans []cacheFile // sidecars whose zip is gone
	Temps   []cacheFile // abandoned temporary files of interrupted pulls (when asked for)
}

// scanCache reads the OCI cache directory dir. Temporary files are looked at only when
// findTemps is set, which requires the cache lock to be held.
func scanCache(dir string, now time.Time, findTemps bool) (cacheScan, error) {
	ents, err := os.ReadDir(dir) // sorted by name: ties in mtime keep name order
	if err != nil {
		return cacheScan{}, fileio.IOError("read", dir, err)
	}
	var sc cacheScan
	present := map[string]*cacheFile{}
	var sidecars []string
	for _, e := range ents {
		name := e.Name()
		path := joinPath(dir, name)
		switch {
		case isZipName(name):
			// Like the reference: a regular file, following a symlink; anything unreadable is skipped.
			st, err := os.Stat(path)
			if err != nil || !st.Mode().IsRegular() {
				continue
			}
			stem := strings.TrimSuffix(name, gwcache.ZipSuffix)
			group, tag := splitGroupTag(stem)
			sc.Zips = append(sc.Zips, cacheZip{cacheFile: cacheFile{name, path, st.ModTime(), st.Size()}, Group: group, Tag: tag})
		case strings.HasSuffix(name, gwcache.SidecarSuffix):
			if _, ok := gwcache.ZipOfSidecar(name); !ok {
				continue
			}
			if f, ok := lstatFile(dir, name); ok {
				present[name] = &f
				sidecars = append(sidecars, name)
			}
		case findTemps && gwcache.IsTempName(name):
			f, ok := lstatFile(dir, name)
			if !ok || !e.Type().IsRegular() || !olderThan(now, f.MTime, uint64(staleTempAge/time.Second)) {
				continue
			}
			if abandoned, err := gwcache.TempAbandoned(path); err == nil && abandoned {
				sc.Temps = append(sc.Temps, f)
			}
		}
	}
	for i := range sc.Zips {
		sc.Zips[i].Sidecar = present[gwcache.SidecarName(sc.Zips[i].Name)]
	}
	// Orphans are sidecars with nothing at all at their zip's name (not merely no entry: a zip
	// the scan skips, say a directory, keeps its sidecar).
	for _, name := range sidecars {
		zip, _ := gwcache.ZipOfSidecar(name)
		if _, err := os.Lstat(joinPath(dir, zip)); errors.Is(err, fs.ErrNotExist) {
			sc.Orphans = append(sc.Orphans, *present[name])
		}
	}
	return sc, nil
}

// isZipName is the reference's `extension() == "zip"` with a stem that is valid text: a name
// ending ".zip" that is not just ".zip".
func isZipName(name string) bool {
	stem, ok := strings.CutSuffix(name, gwcache.ZipSuffix)
	return ok && stem != "" && utf8.ValidString(stem)
}

// splitGroupTag splits a cache file stem at its last "_" into the plugin group and the tag; a
// stem without "_", or with nothing on either side of the last one, is a group of its own.
func splitGroupTag(stem string) (group, tag string) {
	i := strings.LastIndexByte(stem, '_')
	if i <= 0 || i == len(stem)-1 {
		return stem, ""
	}
	return stem[:i], stem[i+1:]
}

func lstatFile(dir, name string) (cacheFile, bool) {
	path := joinPath(dir, name)
	st, err := os.Lstat(path)
	if err != nil {
		return cacheFile{}, false
	}
	size := st.Size()
	if st.IsDir() {
		size = 0
	}
	return cacheFile{name, path, st.ModTime(), size}, true
}

// sortNewestFirst orders files by mtime, newest first, keeping the existing order for ties.
func sortNewestFirst[T any](s []T, mtime func(T) time.Time) {
	sort.SliceStable(s, func(i, j int) bool { return mtime(s[i]).After(mtime(s[j])) })
}

// removeFile is os.Remove, replaceable in tests.
var removeFile = func(path string) error { return os.Remove(path) }

// removalError words a failed removal the way gc lists it: "<path>: <reason>".
func removalError(path string, err error) string {
	if pe, ok := err.(*fs.PathError); ok {
		err = pe.Err
	}
	return path + ": " + err.Error()
}
