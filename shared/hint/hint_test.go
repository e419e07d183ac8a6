package hint

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

func TestWrapKeepsMessageAndChain(t *testing.T) {
	base := &fs.PathError{Op: "open", Path: "k", Err: fs.ErrNotExist}
	err := Wrap(base, "pass the key file")
	if err.Error() != base.Error() {
		t.Errorf("message %q, want %q", err.Error(), base.Error())
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("errors.Is does not see through the hint")
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe != base {
		t.Error("errors.As does not find the wrapped *fs.PathError")
	}
	if errors.Unwrap(err) != base {
		t.Error("Unwrap does not return the wrapped error")
	}
}

func TestWrapNilOrNoAdvice(t *testing.T) {
	if Wrap(nil, "advice") != nil {
		t.Error("Wrap(nil) is not nil")
	}
	base := errors.New("x")
	if Wrap(base, "") != base {
		t.Error("Wrap with empty advice changed the error")
	}
}

// ownHint is a library's own error type with advice.
type ownHint struct {
	advice string
	inner  error
}

func (o ownHint) Error() string { return "own" }
func (o ownHint) Hint() string  { return o.advice }
func (o ownHint) Unwrap() error { return o.inner }

func TestOf(t *testing.T) {
	base := errors.New("k: encrypted")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"no hint", base, ""},
		{"direct", Wrap(base, "decrypt it"), "decrypt it"},
		{"under fmt.Errorf %w", fmt.Errorf("sign: %w", Wrap(base, "decrypt it")), "decrypt it"},
		{"under %v is lost", fmt.Errorf("sign: %v", Wrap(base, "decrypt it")), ""},
		{"outermost wins", Wrap(fmt.Errorf("a: %w", Wrap(base, "inner")), "outer"), "outer"},
		{"joined", errors.Join(base, Wrap(base, "second")), "second"},
		{"own Hint method", fmt.Errorf("x: %w", ownHint{advice: "own advice"}), "own advice"},
		{"empty own hint, advice below", ownHint{inner: Wrap(base, "below")}, "below"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Of(tt.err); got != tt.want {
				t.Errorf("Of = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestInline(t *testing.T) {
	base := errors.New("is version 0x000c")
	if got, want := Inline(Wrap(base, "rebuild it")), "is version 0x000c (rebuild it)"; got != want {
		t.Errorf("Inline = %q, want %q", got, want)
	}
	if got := Inline(base); got != base.Error() {
		t.Errorf("Inline without advice = %q, want %q", got, base.Error())
	}
}

func ExampleWrap() {
	err := Wrap(errors.New("k: the key is encrypted and no passphrase was given"), "use --passphrase-file <file>")
	fmt.Println("error:", err)
	fmt.Println("hint:", Of(err))
	// Output:
	// error: k: the key is encrypted and no passphrase was given
	// hint: use --passphrase-file <file>
}
