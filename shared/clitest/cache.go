package clitest

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/gwcache"
	"github.com/rogpeppe/go-internal/testscript"
)

// Script commands for the gateway cache tests (plugin-oci cache).

// parseAge reads a Go duration ("90s", "2h30m") or a whole number of days ("3d"); negative ages
// are in the future.
func parseAge(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		return time.Duration(n) * 24 * time.Hour, err
	}
	return time.ParseDuration(s)
}

var (
	heldMu sync.Mutex
	held   = map[string]*gwcache.CacheLock{}
)

func init() {
	// cache-touch FILE AGE...: set FILE's access and modification times to now-AGE (works on
	// directories too). Several FILE AGE pairs may follow each other.
	Register("cache-touch", func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) == 0 || len(args)%2 != 0 {
			ts.Fatalf("usage: cache-touch FILE AGE [FILE AGE]...")
		}
		for i := 0; i < len(args); i += 2 {
			age, err := parseAge(args[i+1])
			if err != nil {
				ts.Fatalf("cache-touch: bad age %q: %v", args[i+1], err)
			}
			t := time.Now().Add(-age)
			ts.Check(os.Chtimes(ts.MkAbs(args[i]), t, t))
		}
	})

	// cache-lock DIR [HOLD]: take the cache lock of DIR (as a pull committing into it would) and
	// keep it until cache-unlock DIR, the end of the script, or — with HOLD — for that long.
	Register("cache-lock", func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) < 1 || len(args) > 2 {
			ts.Fatalf("usage: cache-lock DIR [HOLD]")
		}
		dir := ts.MkAbs(args[0])
		l, err := gwcache.Lock(dir, 0)
		ts.Check(err)
		if len(args) == 2 {
			hold, err := time.ParseDuration(args[1])
			ts.Check(err)
			time.AfterFunc(hold, func() { l.Unlock() })
			return
		}
		heldMu.Lock()
		held[dir] = l
		heldMu.Unlock()
		ts.Defer(func() { unlockHeld(dir) })
	})

	// cache-unlock DIR: release a lock taken by cache-lock DIR.
	Register("cache-unlock", func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 1 {
			ts.Fatalf("usage: cache-unlock DIR")
		}
		unlockHeld(ts.MkAbs(args[0]))
	})
}

func unlockHeld(dir string) {
	heldMu.Lock()
	defer heldMu.Unlock()
	held[dir].Unlock() // nil-safe
	delete(held, dir)
}
