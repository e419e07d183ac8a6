package main

import (
	"fmt"
	"io"
	"os/exec"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/proc"
	"github.com/mcpg-dev/mcpg-plugins/shared/textclip"
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
//
// While it runs, status (nil: none) shows doing and, after a second, how long it has taken.
func runTool(cmd *exec.Cmd, status *statusLine, doing string) (stdout, stderr []byte, err error) {
	out, errOut := firstBytes{max: maxToolOutput}, firstBytes{max: maxToolOutput}
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.WaitDelay = toolGrace // a descendant holding the output pipes open does not hold check
	g := &proc.Group{}
	defer fileio.OnInterrupt(func() { g.Stop(toolGrace) })()
	if err := g.Start(cmd, proc.Options{DieWithParent: true}); err != nil {
		return nil, nil, err
	}
	defer g.Kill()
	if status != nil {
		start := time.Now()
		status.show(doing, 0)
		defer status.clear()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for running := true; running; {
			select {
			case <-g.Exited():
				running = false
			case <-tick.C:
				status.show(doing, time.Since(start))
			}
		}
	}
	<-g.Exited()
	return out.b, errOut.b, g.Err()
}

// statusLine is a line on a terminal that says what check is waiting for, redrawn in place and
// cleared when the wait is over. It is nil when stderr is not a terminal.
type statusLine struct{ w io.Writer }

func newStatusLine(env *cli.Env) *statusLine {
	if !cli.IsTerminal(env.Stderr) || env.Getenv("TERM") == "dumb" {
		return nil
	}
	return &statusLine{env.Stderr}
}

func (s *statusLine) show(doing string, elapsed time.Duration) {
	io.WriteString(s.w, "\r\033[K")
	fmt.Fprintf(inertText{s.w}, "%s…", textclip.ClipN(doing, 100))
	if elapsed >= time.Second {
		fmt.Fprintf(s.w, " %d s", int(elapsed.Seconds()))
	}
}

func (s *statusLine) clear() { io.WriteString(s.w, "\r\033[K") }

// firstBytes keeps the first max bytes written to it and drops the rest: a tool's output, bounded
// whatever the tool floods, or an artifact's preamble taken from the stream that hashes it.
type firstBytes struct {
	max int
	b   []byte
}

func (f *firstBytes) Write(p []byte) (int, error) {
	if room := f.max - len(f.b); room > 0 {
		f.b = append(f.b, p[:min(len(p), room)]...)
	}
	return len(p), nil
}
