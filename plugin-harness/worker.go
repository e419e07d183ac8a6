package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/native"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
)

// workerReportFD is the descriptor the worker reports on; the parent passes it as ExtraFiles[0].
const workerReportFD = 3

// runWorker is the child side: it loads the plugin, reports the registration, waits for the
// parent's verdict, then drives the plugin. Anything the plugin does to this process (crash, hang,
// memory) is the parent's to report; the worker only reports what it can still put into words.
func runWorker(stdin io.Reader) int {
	out := os.NewFile(workerReportFD, "report")
	if out == nil {
		fmt.Fprintln(os.Stderr, "plugin-harness: the worker is started by 'plugin-harness test', not by hand")
		return 2
	}
	enc := json.NewEncoder(out)
	var sending sync.Mutex // a call that overruns its FFI budget is reported from another goroutine
	send := func(m workerMessage) {
		sending.Lock()
		defer sending.Unlock()
		encodeMessage(enc, m)
	}
	fail := func(err error) int {
		send(workerMessage{Error: err.Error(), Unsupported: err == native.ErrUnsupported})
		return 1
	}
	in := bufio.NewReader(stdin)
	dec := json.NewDecoder(in)
	var req workerRequest
	if err := dec.Decode(&req); err != nil {
		return fail(fmt.Errorf("worker: cannot read the request: %v", err))
	}
	phase := func(p string) { send(workerMessage{Phase: p}) }
	if req.MaxMemory > 0 {
		phase("rlimit")
		if err := native.LimitMemory(req.MaxMemory); err != nil {
			return fail(err)
		}
	}
	if req.Wasm != nil {
		return runWasmWorker(req, send)
	}
	phase("rehash")
	if err := recheck(req.Path, req.SHA256); err != nil {
		return fail(err)
	}
	start := time.Now()
	lib, err := native.Open(req.Path, phase)
	if err != nil {
		return fail(err)
	}
	loaded := time.Since(start).Nanoseconds()
	events := &workerEvents{send: send}
	msg := workerMessage{Registration: lib.Reg, LoadNanos: map[string]int64{"dlopen_register": loaded}}
	if reg := lib.Reg; reg.DescriptorYAML == "" && reg.ABIVersion == native.ABIVersion && len(reg.Entities) > 0 && len(reg.Problems) == 0 {
		manifest, err := lib.DeriveManifest(events)
		if err != nil {
			return fail(err)
		}
		msg.DerivedManifest = manifest
	}
	send(msg)
	var verdict driveDecision
	if err := dec.Decode(&verdict); err != nil || !verdict.Drive {
		return 0
	}
	if err := lib.Drive(&req.Plan, events); err != nil {
		return fail(err)
	}
	phase("drop registration")
	lib.Close()
	send(workerMessage{Done: true})
	return 0
}

type workerEvents struct{ send func(workerMessage) }

func (w *workerEvents) Phase(p string)      { w.send(workerMessage{Phase: p}) }
func (w *workerEvents) Call(c *native.Call) { w.send(workerMessage{Call: c}) }

// Abandoned ends the report: the parent ends this worker, whose driver is still inside the plugin.
func (w *workerEvents) Abandoned(reason string) { w.send(workerMessage{Abandoned: reason}) }

// recheck is the gateway's TOCTOU guard: the bytes about to be dlopened must be the bytes that
// were verified.
func recheck(path, verified string) error {
	sum, _, err := digest.File(path)
	if err != nil {
		return fmt.Errorf("re-hashing '%s' before load: %v", path, err)
	}
	if sum.Hex() != verified {
		return fmt.Errorf("native plugin '%s' changed on disk between verification and load (TOCTOU guard): "+
			"verified sha256 %s != load-time sha256 %s — refusing to dlopen unverified bytes", path, verified, sum.Hex())
	}
	return nil
}
