package main

import (
	"os/exec"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/proc"
)

// toolGrace is how long a tool check started (plugin-oci pull, plugin-harness test) gets to clean
// up after SIGTERM when check is interrupted, before its group is killed.
const toolGrace = 2 * time.Second

// maxToolOutput caps what is kept of a tool's stdout and of its stderr: its JSON report and an
// error line are far smaller.
const maxToolOutput = 16 << 20

// runTool runs one of the project's tools so that it cannot outlive check: it leads a process
// group of its own, which is stopped when check is interrupted and killed when check dies (Linux)
// or once the tool has exited. Its output is captured, up to maxToolOutput each.
func runTool(cmd *exec.Cmd) (stdout, stderr []byte, err error) {
	var out, errOut cappedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.WaitDelay = toolGrace // a descendant holding the output pipes open does not hold check
	g := &proc.Group{}
	defer fileio.OnInterrupt(func() { g.Stop(toolGrace) })()
	if err := g.Start(cmd, proc.Options{DieWithParent: true}); err != nil {
		return nil, nil, err
	}
	defer g.Kill()
	<-g.Exited()
	return out.b, errOut.b, g.Err()
}

// cappedBuffer keeps the first maxToolOutput bytes written to it and drops the rest, so a tool that
// floods its output costs no more memory than that.
type cappedBuffer struct{ b []byte }

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if room := maxToolOutput - len(c.b); room > 0 {
		c.b = append(c.b, p[:min(len(p), room)]...)
	}
	return len(p), nil
}
