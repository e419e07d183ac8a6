// Package hint attaches advice to an error without making it part of the message. Libraries may
// not know how a tool prints errors (shared/cli does: "error: <msg>", then "hint: <advice>"), so
// they wrap the error with Wrap and the tool finds the advice with Of.
package hint

// hinted is an error with advice; it reads and unwraps as the error it carries.
type hinted struct {
	err    error
	advice string
}

func (h *hinted) Error() string { return h.err.Error() }
func (h *hinted) Unwrap() error { return h.err }

// Hint is the advice: what to run, which flag to use, where to look.
func (h *hinted) Hint() string { return h.advice }

// Wrap returns err carrying advice; its message and its chain (errors.Is, errors.As) stay err's.
// A nil err stays nil, and empty advice leaves err as it is.
func Wrap(err error, advice string) error {
	if err == nil || advice == "" {
		return err
	}
	return &hinted{err: err, advice: advice}
}

// Of returns the advice of the first error in err's chain that has some, searched in the order
// errors.As searches, or "". Any error with a Hint() string method counts, so a library may also
// define its own.
func Of(err error) string {
	if h, ok := err.(interface{ Hint() string }); ok {
		if advice := h.Hint(); advice != "" {
			return advice
		}
	}
	switch e := err.(type) {
	case interface{ Unwrap() error }:
		return Of(e.Unwrap())
	case interface{ Unwrap() []error }:
		for _, inner := range e.Unwrap() {
			if advice := Of(inner); advice != "" {
				return advice
			}
		}
	}
	return ""
}

// Inline is err's message with its advice in parentheses, for places that show an error on one
// line of their own (a warning, a note in a JSON report) rather than through the tool's
// "error:"/"hint:" lines.
func Inline(err error) string {
	if advice := Of(err); advice != "" {
		return err.Error() + " (" + advice + ")"
	}
	return err.Error()
}
