package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
)

// wasmRequest is what the worker needs, beyond the plan, to run a plugin.wasm.
type wasmRequest struct {
	Descriptor      []byte        `json:"descriptor"` // the plugin.yaml the run is judged against
	Limits          wasm.Limits   `json:"limits"`
	Engine          wasm.Engine   `json:"engine"`
	AllowCoreModule bool          `json:"allow_core_module,omitempty"`
	Guard           time.Duration `json:"guard"`
	CacheDir        string        `json:"cache_dir,omitempty"`
	// Owner is the test process: a compile for the cache stages its files in a directory named
	// for it, which it removes if the worker is killed.
	Owner int `json:"owner,omitempty"`
}

// wasmFlags are test's Wasm-only flags, read before anything is loaded.
type wasmFlags struct {
	limits, engine           string
	allowCoreModule, noCache bool
}

// wasmRequestFor checks the Wasm flags and builds the worker's request. The guard (for a guest fuel
// does not stop: one blocked in the host, or given fuel enough to outlast the gateway's deadline)
// stays well inside --timeout, so such a guest becomes a decision, not a killed worker.
func wasmRequestFor(f wasmFlags, desc *descriptor.Descriptor, timeout time.Duration, stdin io.Reader) (*wasmRequest, error) {
	req := &wasmRequest{Descriptor: desc.Raw, Limits: wasm.DefaultLimits(), AllowCoreModule: f.allowCoreModule}
	if f.limits != "" {
		// Inline JSON or YAML ("memory_mb: 32") as well as a file, as the gateway's config block.
		data := []byte(f.limits)
		if _, statErr := os.Stat(f.limits); statErr == nil || f.limits == "-" || !strings.Contains(f.limits, ":") {
			var err error
			if data, _, err = readInput("limits", f.limits, stdin); err != nil {
				return nil, err
			}
		}
		var err error
		if req.Limits, err = wasm.ParseLimits(data); err != nil {
			return nil, cli.Usagef("plugin-harness test: --limits: %v", err)
		}
	}
	switch f.engine {
	case "", "auto":
		req.Engine = wasm.EngineAuto
	case "compiler":
		req.Engine = wasm.EngineCompiler
	case "interpreter":
		req.Engine = wasm.EngineInterpreter
	default:
		return nil, cli.Usagef("plugin-harness test: --engine %q: expected auto, compiler or interpreter", f.engine)
	}
	req.Guard = min(wasm.DefaultGuard, timeout/2)
	if !f.noCache {
		if dir, err := os.UserCacheDir(); err == nil {
			req.CacheDir, req.Owner = filepath.Join(dir, "mcpg-plugins", "wasm"), os.Getpid()
			wasm.SweepCache(req.CacheDir, req.Owner)
			_ = os.RemoveAll(filepath.Join(dir, "mcpg-plugins", "wazero")) // the cache of releases before 0.1.0
		}
	}
	return req, nil
}

// runWasmWorker is the worker side for a plugin.wasm: the bytes are read once, checked against
// the digest verified in the parent, and run on wazero as the gateway runs them on Wasmtime.
func runWasmWorker(req workerRequest, send func(workerMessage)) int {
	events := &workerEvents{send: send}
	fail := func(err error) int {
		send(workerMessage{Error: err.Error()})
		return 1
	}
	if os.Getenv("GOGC") == "" {
		// A run holds a few large buffers (the artifact, the rewritten modules, wazero's code) for
		// its whole length: collecting at 4× the live heap instead of 2× saves a tenth of a warm run.
		debug.SetGCPercent(400)
	}
	events.Phase("rehash")
	artifact, err := os.ReadFile(req.Path)
	if err != nil {
		return fail(fmt.Errorf("reading '%s': %v", req.Path, err))
	}
	sum := sha256.Sum256(artifact)
	if hex.EncodeToString(sum[:]) != req.SHA256 {
		return fail(fmt.Errorf("wasm plugin '%s' changed on disk between verification and load: verified sha256 %s != %x",
			req.Path, req.SHA256, sum))
	}
	desc, err := descriptor.Parse(req.Wasm.Descriptor)
	if err != nil {
		return fail(fmt.Errorf("the descriptor: %v", err))
	}
	opts := wasm.Options{Engine: req.Wasm.Engine, AllowCoreModule: req.Wasm.AllowCoreModule, Guard: req.Wasm.Guard, CacheDir: req.Wasm.CacheDir,
		ArtifactSHA256: &sum}
	out, err := wasm.Run(context.Background(), artifact, desc, &req.Plan, req.Wasm.Limits, opts, events)
	var refusal *wasm.Refusal
	switch {
	case errors.As(err, &refusal):
		send(workerMessage{Wasm: out, Refusal: refusal})
	case err != nil:
		return fail(err)
	default:
		send(workerMessage{Wasm: out})
	}
	if out == nil || out.Pending == nil {
		send(workerMessage{Done: true})
		return 0
	}
	// The report is complete; the compile the next run needs is done after it, in this worker,
	// which the tool waits for (and kills with everything else on an interrupt or past its budget).
	send(workerMessage{Done: true, Caching: true})
	out.Manifest, out.Output = nil, nil
	debug.FreeOSMemory() // the interpreter's code and the run's instances: the compiler needs the room
	if err := out.Pending.Run(context.Background(), req.Wasm.Owner); err != nil {
		fmt.Fprintf(os.Stderr, "%v\n", err)
		return 1
	}
	return 0
}

// recordWasm takes the run's outcome into the report: the plugin as the gateway saw it, and the
// notes on what was not judged as the gateway would.
func recordWasm(r *report, desc *descriptor.Descriptor, m workerMessage) error {
	r.Wasm = m.Wasm
	if m.Wasm != nil {
		r.Warnings = append(r.Warnings, m.Wasm.Warnings...)
		if mf := m.Wasm.Manifest; mf != nil {
			r.Plugin = &loadedPlugin{ID: mf.ID, Version: mf.Version, Name: mf.Name, ProtocolVersion: mf.ProtocolVersion,
				Class: desc.Class, Runtime: desc.Runtime, Entities: []string{desc.Class}, Capabilities: []string{},
				ManifestSource: "guest manifest export"}
		}
		// What the guest wrote, which the gateway discards: a panic message is often the reason
		// for a trap.
		var stdout, stderr []string
		for _, o := range m.Wasm.Output {
			if o.Stdout != "" {
				stdout = append(stdout, o.Stdout)
			}
			if o.Stderr != "" {
				stderr = append(stderr, o.Stderr)
			}
		}
		if len(stdout) > 0 {
			r.PluginStdout = strings.Join(stdout, "\n")
		}
		if len(stderr) > 0 {
			r.PluginStderr = strings.Join(stderr, "\n")
		}
	}
	if m.Refusal != nil {
		r.Refusal = m.Refusal
		return cli.Failf("%s: the gateway would refuse it: %s", r.Package, m.Refusal.Error())
	}
	return nil
}
