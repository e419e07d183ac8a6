package descriptor

import "testing"

func TestShortName(t *testing.T) {
	for id, want := range map[string]string{
		"dev.mcpg.circuit-breaker": "circuit-breaker", // docs/contract.md §1.4
		"dev.mcpg.backend.kafka":   "kafka",
		"simple":                   "simple",
		"com.example.hello":        "hello",
		"a.b.":                     "", // as the host's rsplit('.').next()
		"":                         "",
	} {
		t.Run(id, func(t *testing.T) {
			if got := ShortName(id); got != want {
				t.Errorf("ShortName(%q) = %q, want %q", id, got, want)
			}
		})
	}
}

func TestCanonicalFilename(t *testing.T) {
	for _, tc := range []struct{ name, version, os, arch, want string }{
		{"circuit-breaker", "1.0.0", "linux", "amd64", "mcpg-plugin-circuit-breaker_1.0.0_linux_amd64.zip"},
		{"masking", "0.2.3", "wasi", "wasm", "mcpg-plugin-masking_0.2.3_wasi_wasm.zip"},
		{ShortName("dev.mcpg.backend.sql"), "1.2.3", "linux", "musl-amd64", "mcpg-plugin-sql_1.2.3_linux_musl-amd64.zip"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := CanonicalFilename(tc.name, tc.version, tc.os, tc.arch); got != tc.want {
				t.Errorf("CanonicalFilename(%q, %q, %q, %q) = %q, want %q", tc.name, tc.version, tc.os, tc.arch, got, tc.want)
			}
		})
	}
}

func TestParseCanonicalFilename(t *testing.T) {
	for in, want := range map[string]*CanonicalName{
		"dist/mcpg-plugin-circuit-breaker_1.0.0_linux_amd64.zip": {"circuit-breaker", "1.0.0", "linux", "amd64"},
		"mcpg-plugin-backend-sql_1.2.3_linux_musl-amd64.zip":     {"backend-sql", "1.2.3", "linux", "musl-amd64"},
		"mcpg-plugin-masking_0.2.3_wasi_wasm.zip":                {"masking", "0.2.3", "wasi", "wasm"},
		"mcpg-plugin-my_plugin_0.1.0-rc.1_darwin_arm64.zip":      {"my_plugin", "0.1.0-rc.1", "darwin", "arm64"},
		"gate.zip": nil, "mcpg-plugin-x_1_linux.zip": nil, "mcpg-plugin-_1_linux_amd64.zip": nil,
		"mcpg-plugin-x_1_linux_amd64.tar.gz": nil,
	} {
		t.Run(in, func(t *testing.T) {
			got, ok := ParseCanonicalFilename(in)
			if ok != (want != nil) || ok && got != *want || !ok && got != (CanonicalName{}) {
				t.Errorf("ParseCanonicalFilename(%q) = %+v, %v; want %+v", in, got, ok, want)
			}
		})
	}
}

func TestClassSuggestion(t *testing.T) {
	for in, want := range map[string]string{
		"identity":         "identity_provider",
		"toolGate":         "tool_gate",
		"tool-gate":        "tool_gate",
		"ToolGate":         "tool_gate",
		"TOOL_GATE":        "tool_gate",
		"tool_gate":        "tool_gate",
		"toolgate":         "tool_gate",
		"identityProvider": "identity_provider",
		"cluster_backend":  "cluster",
		"secret":           "secret_provider",
		"metrics":          "metrics_sink",
		"log":              "log_sink",
		"policy":           "policy_engine",
		"credential":       "credential_issuer",
		"transfrom":        "transform",
		"approval-notifer": "approval_notifier",
		"sink":             "", // audit_sink, log_sink, …: no guess
		"trans":            "", // transform or transport
		"provider":         "",
		"xyz":              "",
		"":                 "",
	} {
		t.Run(in, func(t *testing.T) {
			if got := ClassSuggestion(in); got != want {
				t.Errorf("ClassSuggestion(%q) = %q, want %q", in, got, want)
			}
		})
	}
	for _, c := range Classes {
		t.Run(c, func(t *testing.T) {
			if ClassSuggestion(c) != c {
				t.Errorf("ClassSuggestion(%q) = %q", c, ClassSuggestion(c))
			}
		})
	}
}

func TestRuntimeSuggestion(t *testing.T) {
	for in, want := range map[string]string{
		"wasm":             RuntimeWasm,
		"wasi":             RuntimeWasm,
		"wasi-v2":          RuntimeWasm,
		"native":           RuntimeNative,
		"cdylib":           RuntimeNative,
		"NATIVE-CDYLIB-V1": RuntimeNative,
		"static":           RuntimeStatic,
		"v1":               "",
		"martian":          "",
	} {
		t.Run(in, func(t *testing.T) {
			if got := RuntimeSuggestion(in); got != want {
				t.Errorf("RuntimeSuggestion(%q) = %q, want %q", in, got, want)
			}
		})
	}
}
