package main

import "time"

// The --json documents of cache gc and cache ls.

type gcJSON struct {
	CacheDir         string        `json:"cache_dir"`
	Exists           bool          `json:"exists"`
	DryRun           bool          `json:"dry_run"`
	KeepLatest       uint64        `json:"keep_latest"`
	OlderThanSeconds *uint64       `json:"older_than_seconds"`
	Kept             []zipJSON     `json:"kept"`
	Removed          []zipJSON     `json:"removed"`
	Sidecars         []sidecarJSON `json:"sidecars_removed"`
	TempFiles        []fileJSON    `json:"temp_files_removed"`
	UnpackCache      *unpackGCJSON `json:"unpack_cache,omitempty"`
	RemovedZips      int           `json:"removed_zips"`
	RemovedSidecars  int           `json:"removed_sidecars"`
	RemovedTemps     int           `json:"removed_temp_files"`
	RemovedUnpack    int           `json:"removed_unpack_dirs"`
	FreedBytes       int64         `json:"freed_bytes"`
	Errors           []string      `json:"errors"`
}

type fileJSON struct {
	File       string    `json:"file"`
	Path       string    `json:"path"`
	Size       int64     `json:"size"`
	Modified   time.Time `json:"modified"`
	AgeSeconds uint64    `json:"age_seconds"`
}

type zipJSON struct {
	fileJSON
	Group   string `json:"group"`
	Tag     string `json:"tag"`
	Sidecar string `json:"sidecar,omitempty"`
}

type sidecarJSON struct {
	fileJSON
	Orphaned bool `json:"orphaned"`
}

type unpackGCJSON struct {
	Dir     string          `json:"dir"`
	Exists  bool            `json:"exists"`
	Kept    []unpackDirJSON `json:"kept"`
	Removed []unpackDirJSON `json:"removed"`
}

type unpackDirJSON struct {
	Alias      string    `json:"alias"`
	Key        string    `json:"key"`
	Path       string    `json:"path"`
	Size       int64     `json:"size"`
	Modified   time.Time `json:"modified"`
	AgeSeconds uint64    `json:"age_seconds"`
	MatchesZip string    `json:"matches_zip,omitempty"`
}

func fileToJSON(f cacheFile, now time.Time) fileJSON {
	age, _ := ageSecs(now, f.MTime)
	return fileJSON{File: f.Name, Path: f.Path, Size: f.Size, Modified: f.MTime.UTC(), AgeSeconds: age}
}

func zipsToJSON(zips []cacheZip, now time.Time) []zipJSON {
	out := []zipJSON{}
	for _, z := range zips {
		j := zipJSON{fileJSON: fileToJSON(z.cacheFile, now), Group: z.Group, Tag: z.Tag}
		if z.Sidecar != nil {
			j.Sidecar = z.Sidecar.Name
		}
		out = append(out, j)
	}
	return out
}

func unpackDirsToJSON(dirs []unpackDir, now time.Time) []unpackDirJSON {
	out := []unpackDirJSON{}
	for _, d := range dirs {
		age, _ := ageSecs(now, d.MTime)
		out = append(out, unpackDirJSON{Alias: d.Alias, Key: d.Key, Path: d.Path, Size: d.Size, Modified: d.MTime.UTC(), AgeSeconds: age, MatchesZip: d.Match})
	}
	return out
}

func (p *gcPlan) toJSON(now time.Time) gcJSON {
	j := gcJSON{
		CacheDir: p.opts.dir, Exists: p.exists, DryRun: p.opts.dryRun,
		KeepLatest: p.opts.keepLatest, OlderThanSeconds: p.opts.olderThan,
		Kept: zipsToJSON(p.kept, now), Removed: zipsToJSON(p.removed, now),
		Sidecars: []sidecarJSON{}, TempFiles: []fileJSON{}, Errors: p.errors,
	}
	for _, s := range p.sidecars {
		j.Sidecars = append(j.Sidecars, sidecarJSON{fileJSON: fileToJSON(s.cacheFile, now), Orphaned: s.Orphaned})
	}
	for _, f := range p.temps {
		j.TempFiles = append(j.TempFiles, fileToJSON(f, now))
	}
	if j.Errors == nil {
		j.Errors = []string{}
	}
	j.RemovedZips, j.RemovedSidecars, j.RemovedTemps = p.done.n, p.doneSide.n, p.doneTemps.n
	j.FreedBytes = p.done.bytes + p.doneSide.bytes + p.doneTemps.bytes
	if u := p.unpack; u != nil {
		j.UnpackCache = &unpackGCJSON{Dir: u.root, Exists: u.exists, Kept: unpackDirsToJSON(u.kept, now), Removed: unpackDirsToJSON(u.removed, now)}
		j.RemovedUnpack = u.done.n
		j.FreedBytes += u.done.bytes
	}
	return j
}
