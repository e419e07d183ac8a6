//go:build !(amd64 && (linux || darwin))

package main

import "runtime"

// loadNative needs the amd64 calling convention this harness implements (native-abi.md §2.4).
func loadNative(req workerRequest, phase func(string)) (*registration, error) {
	return nil, unsupportedError("native plugins are not driven on " + runtime.GOOS + "/" + runtime.GOARCH +
		" yet (the harness implements the linux/amd64 calling convention only)")
}
