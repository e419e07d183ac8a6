package depcheck

import (
	"io/fs"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const (
	module = "github.com/mcpg-dev/mcpg-plugins/shared"
	cliPkg = module + "/cli"
)

// cliSide are the packages allowed to know the CLI: cli itself and the test harness for tools.
var cliSide = []string{cliPkg, module + "/clitest"}

func TestLibrariesDoNotImportCLI(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list the module's packages: %v", err)
	}
	// One line per package: its import path, then every package it depends on, directly or not
	// (test files excluded: a library's tests may use the CLI's helpers).
	out, err := exec.Command(goTool, "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, module+"/...").Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	touchSources(t)
	checked := 0
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) == 0 || slices.Contains(cliSide, fields[0]) {
			continue
		}
		checked++
		if slices.Contains(fields[1:], cliPkg) {
			t.Errorf("%s depends on %s: a library must return errors (a *fileio.Error for files) and leave exit codes, hints and flags to the tools", fields[0], cliPkg)
		}
	}
	if checked < 10 {
		t.Fatalf("only %d library packages listed; go list printed:\n%s", checked, out)
	}
}

// touchSources reads every directory of the module. go test caches a passing result until a file
// the test itself opened changes, and it cannot see what go list read: listing the directories
// (their entries' sizes and times) makes an edited or added file run the check again.
func touchSources(t *testing.T) {
	err := filepath.WalkDir(filepath.Join("..", ".."), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != filepath.Join("..", "..") && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
