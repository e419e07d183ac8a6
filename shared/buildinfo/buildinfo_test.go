package buildinfo

import (
	"runtime"
	"testing"
)

func TestBuildLineRoundTrip(t *testing.T) {
	for _, in := range []Info{
		{Go: "go1.26.8", Platform: "linux/amd64", Commit: "0123456789abcdef0123456789abcdef01234567", CommitTime: "2026-07-01T10:00:00Z", Modified: true},
		{Go: "go1.26.8", Platform: "darwin/arm64", Commit: "0123456789abcdef0123456789abcdef01234567", CommitTime: "2026-07-01T10:00:00Z"},
		{Go: "go1.26.8", Platform: "windows/amd64"},
	} {
		var out Info
		if !out.ParseBuildLine(in.BuildLine()) {
			t.Fatalf("ParseBuildLine(%q) = false", in.BuildLine())
		}
		if out != in {
			t.Errorf("ParseBuildLine(%q) = %+v, want %+v", in.BuildLine(), out, in)
		}
	}
	var out Info
	if out.ParseBuildLine("plugin-sign 9.9.9") {
		t.Error("a version line parsed as a build line")
	}
}

func TestReadKnowsTheToolchain(t *testing.T) {
	i := Read()
	if i.Go != runtime.Version() || i.Platform != runtime.GOOS+"/"+runtime.GOARCH || i.Version != Version {
		t.Errorf("Read() = %+v", i)
	}
}
