package main

import (
	"slices"
	"testing"
)

func TestValidCommandName(t *testing.T) {
	for name, want := range map[string]bool{
		"foo": true, "foo-bar": true, "foo.v2": true,
		"": false, "-x": false, "--list": false, "a/b": false, "../sh": false, `a\b`: false, "a:b": false, ".": false, "..": false,
	} {
		t.Run(name, func(t *testing.T) {
			if got := validCommandName(name); got != want {
				t.Errorf("validCommandName(%q) = %v, want %v", name, got, want)
			}
		})
	}
}

func TestToolTable(t *testing.T) {
	seen := map[string]string{}
	for _, tl := range tools {
		for _, c := range tl.commands {
			if prev, dup := seen[c.name]; dup {
				t.Errorf("command %s in both %s and %s", c.name, prev, tl.name)
			}
			seen[c.name] = tl.name
			if isDispatcherCommand(c.name) {
				t.Errorf("command %s of %s is also a dispatcher command", c.name, tl.name)
			}
		}
	}
	for cmd, want := range map[string]string{"hash": "plugin-hash", "list": "plugin-hash", "sign": "plugin-sign", "verify": "plugin-sign",
		"pack": "plugin-pack", "unpack": "plugin-pack", "inspect": "plugin-pack", "push": "plugin-oci", "pull": "plugin-oci",
		"cache": "plugin-oci", "test": "plugin-harness", "new": "plugin-new",
		"check": "plugin-check"} {
		t.Run(cmd, func(t *testing.T) {
			if tl := toolFor(cmd); tl == nil || tl.name != want {
				t.Errorf("toolFor(%q) = %v, want %s", cmd, tl, want)
			}
		})
	}
	if toolFor("foo") != nil {
		t.Error("toolFor(foo) should be nil")
	}
}

func TestWithoutVar(t *testing.T) {
	got := withoutVar([]string{"A=1", "MCPG_PLUGINS=x", "MCPG_PLUGINS_X=2", "B=3"}, "MCPG_PLUGINS")
	if want := []string{"A=1", "MCPG_PLUGINS_X=2", "B=3"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
