package wasip2

import "github.com/mcpg-dev/mcpg-plugins/plugin-harness/headtail"

// DefaultCaptureLimit is how much of each end of the guest's stdout and stderr a Host keeps, as
// the harness keeps of a worker process's output.
const DefaultCaptureLimit = headtail.DefaultLimit

// Capture keeps the first and the last bytes written to one of the guest's output streams and
// counts the rest: the gateway throws the guest's output away, and the report only needs how it
// began and how it ended, so a guest printing in a loop costs 2×limit, not the flood.
type Capture = headtail.Buffer

// Output is what a Capture kept.
type Output = headtail.Output

func newCapture(limit int) *Capture { return headtail.New(limit) }
