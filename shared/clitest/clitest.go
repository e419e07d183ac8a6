// Package clitest runs testscript files against the real binaries and supplies the custom script
// commands every tool's scripts share. Files in this package add commands with Register from init.
package clitest

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/rogpeppe/go-internal/testscript"
)

var (
	mu   sync.Mutex
	cmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){}
)

// Register adds a script command available to every tool's scripts.
func Register(name string, f func(ts *testscript.TestScript, neg bool, args []string)) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := cmds[name]; dup {
		panic("clitest: command registered twice: " + name)
	}
	cmds[name] = f
}

// Commands returns every registered script command.
func Commands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	mu.Lock()
	defer mu.Unlock()
	out := make(map[string]func(ts *testscript.TestScript, neg bool, args []string), len(cmds))
	for k, v := range cmds {
		out[k] = v
	}
	return out
}

// Run runs the scripts in dir with the shared commands. Scripts see HOME and TMPDIR inside their
// work directory and NO_COLOR set.
func Run(t *testing.T, dir string) { RunWith(t, dir, Options{}) }

// Options add to what every tool's scripts get.
type Options struct {
	Vars      map[string]string               // extra environment variables
	PathFirst string                          // a directory put in front of PATH (built binaries)
	Condition func(cond string) (bool, error) // extra [conditions]
}

// RunWith runs the scripts in dir like Run, with the additions in o.
func RunWith(t *testing.T, dir string, o Options) {
	testscript.Run(t, testscript.Params{
		Dir:  dir,
		Cmds: Commands(),
		Setup: func(e *testscript.Env) error {
			if o.PathFirst != "" {
				e.Setenv("PATH", o.PathFirst+string(os.PathListSeparator)+e.Getenv("PATH"))
			}
			e.Setenv("HOME", e.WorkDir+"/home")
			e.Setenv("NO_COLOR", "1")
			e.Setenv("MCPG_PLUGIN_DIR", "")
			for k, v := range o.Vars {
				e.Setenv(k, v)
			}
			return os.MkdirAll(e.WorkDir+"/home", 0o755)
		},
		Condition:     conditions(o.Condition),
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") == "1",
	})
}

// conditions adds [sighup-ignored], true when the tests run with SIGHUP ignored (under nohup): the
// tools then keep it ignored, as nohup asks, so a script cannot hang them up.
func conditions(extra func(string) (bool, error)) func(string) (bool, error) {
	return func(cond string) (bool, error) {
		if cond == "sighup-ignored" {
			return signal.Ignored(syscall.SIGHUP), nil
		}
		if extra == nil {
			return false, fmt.Errorf("unknown condition %q", cond)
		}
		return extra(cond)
	}
}

func init() {
	// mkrand NAME SIZE [SEED]: a file of SIZE pseudo-random bytes (deterministic for a seed).
	Register("mkrand", func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) < 2 || len(args) > 3 {
			ts.Fatalf("usage: mkrand NAME SIZE [SEED]")
		}
		size, err := strconv.Atoi(args[1])
		ts.Check(err)
		seed := uint64(1)
		if len(args) == 3 {
			seed, err = strconv.ParseUint(args[2], 10, 64)
			ts.Check(err)
		}
		r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		b := make([]byte, size)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		ts.Check(os.WriteFile(ts.MkAbs(args[0]), b, 0o644))
	})
	// writehex NAME HEX: write the decoded bytes.
	Register("writehex", func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 2 {
			ts.Fatalf("usage: writehex NAME HEX")
		}
		b, err := hex.DecodeString(args[1])
		ts.Check(err)
		ts.Check(os.WriteFile(ts.MkAbs(args[0]), b, 0o644))
	})
	// seedfile NAME BYTE: a 32-byte raw Ed25519 seed of one repeated byte (decimal), e.g. 42.
	Register("seedfile", func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 2 {
			ts.Fatalf("usage: seedfile NAME BYTE")
		}
		v, err := strconv.ParseUint(args[1], 10, 8)
		ts.Check(err)
		ts.Check(os.WriteFile(ts.MkAbs(args[0]), bytes.Repeat([]byte{byte(v)}, 32), 0o600))
	})
	// sha256 NAME HEX: assert the file's SHA-256.
	Register("sha256", func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 2 {
			ts.Fatalf("usage: sha256 NAME HEX")
		}
		d, _, err := digest.File(ts.MkAbs(args[0]))
		ts.Check(err)
		if (d.Hex() == args[1]) == neg {
			ts.Fatalf("sha256 of %s is %s (want %s%s)", args[0], d.Hex(), map[bool]string{true: "not ", false: ""}[neg], args[1])
		}
	})
	// size NAME N: assert the file's size in bytes.
	Register("size", func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 2 {
			ts.Fatalf("usage: size NAME N")
		}
		st, err := os.Stat(ts.MkAbs(args[0]))
		ts.Check(err)
		if (fmt.Sprint(st.Size()) == args[1]) == neg {
			ts.Fatalf("%s has %d bytes", args[0], st.Size())
		}
	})
	// nofiles DIR GLOB: assert no file in DIR matches GLOB (e.g. leftover temporary files).
	Register("nofiles", func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 2 {
			ts.Fatalf("usage: nofiles DIR GLOB")
		}
		entries, err := os.ReadDir(ts.MkAbs(args[0]))
		ts.Check(err)
		var found []string
		for _, e := range entries {
			if ok, _ := matchGlob(args[1], e.Name()); ok {
				found = append(found, e.Name())
			}
		}
		if (len(found) == 0) == neg {
			ts.Fatalf("files matching %s in %s: %v", args[1], args[0], found)
		}
	})
}
