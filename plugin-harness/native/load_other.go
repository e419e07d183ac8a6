//go:build !(amd64 && (linux || darwin))

package native

import (
	"errors"
	"runtime"
)

// ErrUnsupported: this build cannot make the calls; the harness implements the System V amd64
// calling convention only (arm64 needs the x8 sret path of docs/native-abi.md §6.1).
var ErrUnsupported = errors.New("native plugins are not driven on " + runtime.GOOS + "/" + runtime.GOARCH +
	" yet (the harness implements the linux/amd64 calling convention only)")

// Library is not available on this platform.
type Library struct{ Reg *Registration }

func LimitMemory(uint64) error { return nil }

func Open(string, func(string)) (*Library, error) { return nil, ErrUnsupported }

func (l *Library) DeriveManifest(Events) (string, error) { return "", ErrUnsupported }

func (l *Library) Drive(*Plan, Events) error { return ErrUnsupported }

func (l *Library) Close() {}
