package main

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"plugin-harness": main})
}

// TestScripts runs testdata/script/*.txtar against the real plugin-harness binary. The scripts
// build the C fixture in $FIXTURE and the example plugin in $EXAMPLE with cc; the [native]
// condition holds where the harness drives native plugins (linux/amd64); [rust] where the
// abi_stable fixtures are built ($RUSTFIXTURES).
func TestScripts(t *testing.T) {
	fixture, err := filepath.Abs("testdata/fixture")
	if err != nil {
		t.Fatal(err)
	}
	example, err := filepath.Abs("../examples/hello-gate")
	if err != nil {
		t.Fatal(err)
	}
	// The Rust fixtures are built by scripts/build-fixtures (cargo); scripts/test always builds them,
	// so under it their absence is a failure, not a skip.
	rust := os.Getenv("MCPG_RUST_FIXTURES")
	_, err = os.Stat(filepath.Join(rust, "rust-gate.so"))
	haveRust := rust != "" && err == nil
	if !haveRust && os.Getenv("MCPG_TEST_TOOLS") != "" {
		t.Fatalf("MCPG_RUST_FIXTURES=%q holds no rust-gate.so: scripts/build-fixtures did not run", rust)
	}
	// The Wasm fixtures come from scripts/build-wasm-fixtures; [wasmfixtures] holds where they are built
	// ([wasm] is taken: testscript reads it as GOARCH).
	wasmFixtures := os.Getenv("MCPG_WASM_FIXTURES")
	_, err = os.Stat(filepath.Join(wasmFixtures, "gate", "package.zip"))
	haveWasm := wasmFixtures != "" && err == nil
	// wazero's compiled code, kept under the user cache dir, is shared by every script and run:
	// the JavaScript and Python guests take seconds to compile.
	userCache, err := filepath.Abs("../.tools/test-user-cache")
	if err != nil {
		t.Fatal(err)
	}
	clitest.RunWith(t, "testdata/script", clitest.Options{
		Vars: map[string]string{"FIXTURE": fixture, "EXAMPLE": example, "RUSTFIXTURES": rust, "WASMFIXTURES": wasmFixtures,
			"XDG_CACHE_HOME": userCache, "TOOLSCACHE": userCache},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "native":
				return runtime.GOOS == "linux" && runtime.GOARCH == "amd64", nil
			case "rust":
				return haveRust, nil
			case "wasmfixtures":
				return haveWasm, nil
			}
			return false, nil
		},
	})
}
