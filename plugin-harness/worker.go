package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
)

// runWorker is the child side: it reads one workerRequest, loads the plugin and streams phase
// markers and the result. Anything the plugin does to this process (crash, hang, memory) is the
// parent's to report; the worker itself only reports errors it can still put into words.
func runWorker(stdin io.Reader, stdout io.Writer) int {
	enc := json.NewEncoder(stdout)
	send := func(m workerMessage) { _ = enc.Encode(m) }
	var req workerRequest
	if err := json.NewDecoder(stdin).Decode(&req); err != nil {
		send(workerMessage{Error: "worker: cannot read the request: " + err.Error()})
		return 1
	}
	reg, err := loadNative(req, func(phase string) { send(workerMessage{Phase: phase}) })
	if err != nil {
		_, unsupported := err.(unsupportedError)
		send(workerMessage{Error: err.Error(), Unsupported: unsupported})
		return 1
	}
	send(workerMessage{Result: reg})
	return 0
}

type unsupportedError string

func (e unsupportedError) Error() string { return string(e) }

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
