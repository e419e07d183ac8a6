package clitest

import (
	"os"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// PipeWaitEnv shortens fileio.PipeWait in the tools a script runs (they are this test binary), so
// a script can check that a silent pipe ends the tool without waiting the real 10 seconds:
//
//	env MCPG_TEST_PIPE_WAIT=300ms
//
// Only test binaries read it: the released tools have no such knob.
const PipeWaitEnv = "MCPG_TEST_PIPE_WAIT"

func init() {
	if v := os.Getenv(PipeWaitEnv); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			panic(PipeWaitEnv + ": " + err.Error())
		}
		fileio.PipeWait = d
	}
}
