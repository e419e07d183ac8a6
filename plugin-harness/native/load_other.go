//go:build !((linux || darwin) && (amd64 || arm64))

package native

import (
	"errors"
	"runtime"
)

// ErrUnsupported: this build cannot make the calls. The harness implements the System V x86-64
// and AAPCS64 calling conventions, on linux and darwin (docs/native-abi.md §6.1).
var ErrUnsupported = errors.New("native plugins are not driven on " + runtime.GOOS + "/" + runtime.GOARCH +
	" (the harness drives them on linux and darwin, amd64 and arm64)")

// Library is not available on this platform.
type Library struct{ Reg *Registration }

func LimitMemory(uint64) error { return nil }

func Open(string, func(string)) (*Library, error) { return nil, ErrUnsupported }

func (l *Library) DeriveManifest(Events) (string, error) { return "", ErrUnsupported }

func (l *Library) Drive(*Plan, Events) error { return ErrUnsupported }

func (l *Library) Close() {}
