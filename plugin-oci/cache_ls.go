package main

import (
	"fmt"
	"os"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/gwcache"
)

const cacheLsHelp = `Usage: plugin-oci cache ls [--cache-dir DIR] [--json]

List the gateway's OCI pull cache: every <reference>.zip with its size, age and what the gateway
will do with it at its next boot, judged from its .layer-sha256 sidecar exactly as the gateway
judges it (each zip is hashed):
  ok        the sidecar matches the zip: the gateway uses it without any network access, even
            for a tag reference — a moved tag is not seen until the entry is removed
  missing   no sidecar: the gateway pulls again
  invalid   the sidecar is not a sha256 digest: the gateway pulls again
  mismatch  the sidecar names other bytes: the gateway deletes both files and pulls again
Sidecars without their zip are listed as orphaned ('cache gc' removes them).

Flags:
  --cache-dir DIR   the OCI cache directory (default: as the gateway resolves it, see 'cache gc --help')
  --json            print one JSON document instead (package_sha256: the zip's digest, bare hex)
  -h, --help        show this help

Examples:
  plugin-oci cache ls
  plugin-oci cache ls --cache-dir /var/lib/mcpg/oci --json

Exit status: 0 listed (including a missing or empty directory); 2 usage; 3 the cache could not
be read.
`

type lsEntry struct {
	fileJSON
	Group         string `json:"group"`
	Tag           string `json:"tag"`
	PackageSHA256 string `json:"package_sha256"` // the zip's digest, bare hex, as in every --json
	UnpackKey     string `json:"unpack_key"`
	SidecarState  string `json:"sidecar_state"`
	SidecarDigest string `json:"sidecar_digest,omitempty"`
}

type lsJSON struct {
	CacheDir string     `json:"cache_dir"`
	Exists   bool       `json:"exists"`
	Entries  []lsEntry  `json:"entries"`
	Orphaned []fileJSON `json:"orphaned_sidecars"`
}

func runCacheLs(env *cli.Env, args []string) error {
	fs := cli.NewFlagSet("plugin-oci cache ls", cacheLsHelp, env.Stdout)
	var dir string
	var asJSON bool
	fs.StringVar(&dir, "cache-dir", "", "")
	fs.BoolVar(&asJSON, "json", false, "")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if err := cli.CheckArgs("plugin-oci cache ls", pos, 0, 0, ""); err != nil {
		return err
	}
	if dir == "" {
		dir = gwcache.DefaultDir(env.Getenv)
	}
	now := time.Now()
	out := lsJSON{CacheDir: dir, Entries: []lsEntry{}, Orphaned: []fileJSON{}}
	if _, err := os.Stat(dir); err == nil {
		out.Exists = true
		sc, err := scanCache(dir, now, false)
		if err != nil {
			return err
		}
		for _, z := range sc.Zips {
			e, err := lsZip(z, now)
			if err != nil {
				return err
			}
			out.Entries = append(out.Entries, e)
		}
		for _, f := range sc.Orphans {
			out.Orphaned = append(out.Orphaned, fileToJSON(f, now))
		}
	}
	if asJSON {
		return cli.WriteJSON(env.Stdout, out)
	}
	w := env.Stdout
	switch {
	case !out.Exists:
		fmt.Fprintf(w, "Cache directory does not exist: %s\n", dir)
		return nil
	case len(out.Entries)+len(out.Orphaned) == 0:
		fmt.Fprintf(w, "No plugin artifacts in cache: %s\n", dir)
		return nil
	}
	fmt.Fprintf(w, "Cache: %s\n", dir)
	ok := 0
	for _, e := range out.Entries {
		fmt.Fprintf(w, "  %-8s  %-4s  %-8s  %s\n", formatBytes(e.Size), formatAge(now, e.Modified), e.SidecarState, e.File)
		if e.SidecarState == "ok" {
			ok++
		}
	}
	for _, f := range out.Orphaned {
		fmt.Fprintf(w, "  %-8s  %-4s  %-8s  %s\n", formatBytes(f.Size), formatAge(now, f.Modified), "orphaned", f.File)
	}
	fmt.Fprintf(w, "\n%d zip(s): %d used without a pull, %d pulled again at the gateway's next boot; %d orphaned sidecar(s).\n",
		len(out.Entries), ok, len(out.Entries)-ok, len(out.Orphaned))
	return nil
}

// lsZip hashes a cached zip and judges its sidecar as the gateway's boot does.
func lsZip(z cacheZip, now time.Time) (lsEntry, error) {
	d, _, err := digest.File(z.Path)
	if err != nil {
		return lsEntry{}, fileio.IOError("read", z.Path, err)
	}
	e := lsEntry{fileJSON: fileToJSON(z.cacheFile, now), Group: z.Group, Tag: z.Tag, PackageSHA256: d.Hex(), UnpackKey: gwcache.UnpackKey(d), SidecarState: "missing"}
	if z.Sidecar != nil {
		e.SidecarState = "invalid"
		if sd, ok := gwcache.ReadSidecar(z.Sidecar.Path); ok {
			e.SidecarDigest = sd.String()
			e.SidecarState = map[bool]string{true: "ok", false: "mismatch"}[sd == d]
		}
	}
	return e, nil
}
