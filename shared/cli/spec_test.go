package cli

import (
	"reflect"
	"testing"
)

// TestToolSpec: a tool describes each command's flags as its FlagSet registered them (short and
// long forms of one variable paired, value-taking or not) and a dispatching command's subcommands.
func TestToolSpec(t *testing.T) {
	leaf := func(env *Env, args []string) error {
		fs := NewFlagSet("t leaf", "Usage: t leaf\n", env.Stdout)
		var out string
		var asJSON bool
		fs.StringVarP(&out, "output", "o", "", "write here")
		fs.BoolVar(&asJSON, "json", false, "print JSON")
		_, err := fs.Parse(args)
		return err
	}
	tool := Tool{Name: "t", Commands: []Command{
		{Name: "leaf", Summary: "a leaf", Run: leaf},
		{Name: "group", Summary: "a group", Run: func(*Env, []string) error { return nil },
			Subcommands: []Command{{Name: "sub", Run: leaf}}},
	}}
	help := FlagSpec{Long: "help", Short: "h", Usage: "show this help"}
	flags := []FlagSpec{help, {Long: "json", Usage: "print JSON"}, {Long: "output", Short: "o", Value: true, Usage: "write here"}}
	want := ToolSpec{Name: "t", Commands: []CommandSpec{
		{Name: "leaf", Summary: "a leaf", Flags: flags},
		{Name: "group", Summary: "a group", Flags: []FlagSpec{help}, Subcommands: []CommandSpec{{Name: "sub", Flags: flags}}},
	}}
	if got := tool.Spec(); !reflect.DeepEqual(got, want) {
		t.Errorf("Spec() =\n%+v\nwant\n%+v", got, want)
	}
}
