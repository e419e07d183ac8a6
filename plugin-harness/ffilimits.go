package main

import (
	"io"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/native"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

// readFFILimits reads --ffi-limits, the gateway entry's plugins[].ffi_limits block (JSON or YAML,
// a file, - or the block itself); nil when the flag was not given (the gateway's defaults apply).
// A block the gateway's config loader would refuse is a usage error naming the field.
func readFFILimits(value string, stdin io.Reader) (*native.FFILimits, error) {
	if value == "" {
		return nil, nil
	}
	data, name, err := readInput("ffi-limits", value, stdin)
	if err != nil {
		if strings.Contains(value, ":") {
			// Most likely a block YAML mapping given inline, which reads as a file name.
			err = cli.WithHint(err, "a block given inline is written in JSON or YAML flow style, starting with {: "+
				"--ffi-limits '{data_timeout_ms: 100}'")
		}
		return nil, err
	}
	l, err := native.ParseFFILimits(data)
	if err != nil {
		return nil, cli.Usagef("plugin-harness test: %s: %v", name, err)
	}
	return &l, nil
}
