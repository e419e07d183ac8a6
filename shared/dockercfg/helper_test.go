package dockercfg

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeHelper puts an executable docker-credential-<name> shell script into dir.
func writeHelper(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "docker-credential-"+name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestHelpers(t *testing.T) {
	bin := t.TempDir()
	writeHelper(t, bin, "good", `cat >/dev/null; printf '{"ServerURL":"x","Username":"helper-user","Secret":"helper-secret"}'`)
	writeHelper(t, bin, "store", `cat >/dev/null; printf '{"Username":"store-user","Secret":"store-secret"}'`)
	writeHelper(t, bin, "token", `cat >/dev/null; printf '{"Username":"<token>","Secret":"`+secretPass+`"}'`)
	writeHelper(t, bin, "empty", `cat >/dev/null; printf '{"Username":"","Secret":""}'`)
	// docker-credential-helpers answer "not found" on stdout with exit 1
	writeHelper(t, bin, "nocreds", `cat >/dev/null; echo "credentials not found in native keychain"; exit 1`)
	writeHelper(t, bin, "nocreds-stderr", `cat >/dev/null; echo "Error: credentials not found" >&2; exit 3`)
	writeHelper(t, bin, "echo-host", `host=$(cat); printf '{"Username":"%s","Secret":"s"}' "$host"`)
	writeHelper(t, bin, "no-stdin-read", `printf '{"Username":"u","Secret":"s"}'`)

	tests := []struct {
		name, json, host  string
		user, pass, token string
		from              string
	}{
		{"credHelpers", `{"credHelpers":{"ghcr.io":"good"}}`, "ghcr.io", "helper-user", "helper-secret", "", `credHelpers["ghcr.io"]=good`},
		{"credHelpers https key", `{"credHelpers":{"https://ghcr.io":"good"}}`, "ghcr.io", "helper-user", "helper-secret", "", `credHelpers["https://ghcr.io"]=good`},
		{"credsStore", `{"credsStore":"store"}`, "any.host.example", "store-user", "store-secret", "", `credsStore=store`},
		{"credHelpers beats auths and credsStore", `{"credHelpers":{"ghcr.io":"good"},"auths":{"ghcr.io":{"auth":"YWxpY2U6d29uZGVybGFuZA=="}},"credsStore":"store"}`, "ghcr.io", "helper-user", "helper-secret", "", `credHelpers["ghcr.io"]=good`},
		{"auths beats credsStore", `{"auths":{"ghcr.io":{"auth":"YWxpY2U6d29uZGVybGFuZA=="}},"credsStore":"store"}`, "ghcr.io", "alice", "wonderland", "", `auths["ghcr.io"].auth`},
		{"credHelpers for another host: credsStore", `{"credHelpers":{"other.io":"good"},"credsStore":"store"}`, "ghcr.io", "store-user", "store-secret", "", `credsStore=store`},
		{"identity token", `{"credsStore":"token"}`, "ghcr.io", "", "", secretPass, `credsStore=token`},
		{"empty answer", `{"credsStore":"empty"}`, "ghcr.io", "", "", "", ""},
		{"not found on stdout", `{"credsStore":"nocreds"}`, "ghcr.io", "", "", "", ""},
		{"not found on stderr", `{"credHelpers":{"ghcr.io":"nocreds-stderr"}}`, "ghcr.io", "", "", "", ""},
		{"host on stdin, no newline", `{"credsStore":"echo-host"}`, "localhost:5000", "localhost:5000", "s", "", `credsStore=echo-host`},
		{"helper that ignores stdin", `{"credsStore":"no-stdin-read"}`, "ghcr.io", "u", "s", "", `credsStore=no-stdin-read`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := resolve(t, tc.json, tc.host, bin)
			if err != nil {
				t.Fatal(err)
			}
			if got.Username != tc.user || got.Password != tc.pass || got.IdentityToken != tc.token || got.From != tc.from {
				t.Errorf("got %q:%q token %q from %q; want %q:%q token %q from %q",
					got.Username, got.Password, got.IdentityToken, got.From, tc.user, tc.pass, tc.token, tc.from)
			}
		})
	}
}

func TestHelperFailures(t *testing.T) {
	bin := t.TempDir()
	writeHelper(t, bin, "sad", "cat >/dev/null\necho 'helper is sad' >&2\nexit 17\n")
	// leaks every secret it knows on stderr; the error must mask them
	writeHelper(t, bin, "leaky", "cat >/dev/null\necho 'bad auth "+secretPass+" / "+secretB64+"\n second line' >&2\nexit 1\n")
	writeHelper(t, bin, "stdout-msg", "cat >/dev/null\necho 'error getting credentials - err: exit status 1, out: desktop not running'\nexit 1\n")
	writeHelper(t, bin, "json-then-fail", "cat >/dev/null\nprintf '{\"Username\":\"u\",\"Secret\":\""+secretPass+"\"}'\nexit 2\n")
	writeHelper(t, bin, "garbage", "cat >/dev/null\nprintf 'Username=u Secret="+secretPass+"'\n")
	writeHelper(t, bin, "half", "cat >/dev/null\nprintf '{\"Username\":\"u\"}'\n")
	writeHelper(t, bin, "slow", "exec sleep 30\n")
	writeHelper(t, bin, "slow-child", "sleep 30 & wait\n") // a grandchild keeps the pipes open
	writeHelper(t, bin, "flood", "exec yes "+secretPass+"\n")
	writeHelper(t, bin, "killed", "kill -9 $$\n")
	if err := os.WriteFile(filepath.Join(bin, "docker-credential-noexec"), []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "docker-credential-badexec"), []byte("\x7fELF garbage"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfgSecrets := `"auths":{"other.io":{"auth":"` + secretB64 + `"},"x.io":{"username":"u","password":"` + secretPass + `"}}`

	tests := []struct{ json, want string }{
		{`{"credsStore":"sad"}`, `credsStore=sad: docker-credential-sad get failed: exit status 17: helper is sad`},
		{`{"credHelpers":{"ghcr.io":"sad"}}`, `credHelpers["ghcr.io"]=sad: docker-credential-sad get failed: exit status 17: helper is sad`},
		{`{"credsStore":"leaky",` + cfgSecrets + `}`, `credsStore=leaky: docker-credential-leaky get failed: exit status 1: bad auth *** / *** second line`},
		{`{"credsStore":"stdout-msg"}`, `credsStore=stdout-msg: docker-credential-stdout-msg get failed: exit status 1: error getting credentials - err: exit status 1, out: desktop not running`},
		{`{"credsStore":"json-then-fail"}`, `credsStore=json-then-fail: docker-credential-json-then-fail get failed: exit status 2`},
		{`{"credsStore":"garbage"}`, `credsStore=garbage: docker-credential-garbage get printed no credential JSON ({"Username":…,"Secret":…})`},
		{`{"credsStore":"half"}`, `credsStore=half: docker-credential-half get printed no credential JSON ({"Username":…,"Secret":…})`},
		{`{"credsStore":"missing"}`, `credsStore=missing: docker-credential-missing not found in $PATH`},
		{`{"credsStore":"noexec"}`, `credsStore=noexec: docker-credential-noexec not found in $PATH`},
		{`{"credsStore":"badexec"}`, `credsStore=badexec: cannot run docker-credential-badexec: exec format error`},
		{`{"credsStore":"../sad"}`, `credsStore=../sad: "../sad" is not a credential helper name`},
		{`{"credsStore":"slow"}`, `credsStore=slow: docker-credential-slow get did not answer within 300ms`},
		{`{"credsStore":"slow-child"}`, `credsStore=slow-child: docker-credential-slow-child get did not answer within 300ms`},
		{`{"credsStore":"flood"}`, `credsStore=flood: docker-credential-flood get printed more than 4096 bytes`},
		{`{"credsStore":"killed"}`, `credsStore=killed: docker-credential-killed get failed: signal: killed`},
	}
	for _, tc := range tests {
		t.Run(tc.json, func(t *testing.T) {
			c, err := Load(writeConfig(t, tc.json))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = c.Resolve(context.Background(), "ghcr.io", Runner{
				Getenv:    testPath(bin),
				Timeout:   300 * time.Millisecond,
				MaxOutput: 4096,
			})
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("%s: took %s", tc.json, d)
			}
			if err == nil {
				t.Errorf("%s: no error", tc.json)
				return
			}
			if want := c.Path + ": " + tc.want; err.Error() != want {
				t.Errorf("%s:\n got  %s\n want %s", tc.json, err, want)
			}
			assertNoSecret(t, err.Error())
		})
	}
}

// The helper is looked up in the PATH the caller gives, never the process's, and never in a
// relative PATH entry.
func TestHelperLookupIsolation(t *testing.T) {
	bin := t.TempDir()
	writeHelper(t, bin, "iso", `cat >/dev/null; printf '{"Username":"u","Secret":"s"}'`)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	for _, path := range []string{"", t.TempDir(), ".", "rel/" + filepath.Base(bin)} {
		t.Run("PATH="+path, func(t *testing.T) {
			c, _ := Parse("config.json", []byte(`{"credsStore":"iso"}`))
			_, err := c.Resolve(context.Background(), "h", Runner{Getenv: func(k string) string {
				if k == "PATH" {
					return path
				}
				return ""
			}})
			if err == nil || !strings.Contains(err.Error(), "not found in $PATH") {
				t.Errorf("PATH=%q: got %v, want not found", path, err)
			}
		})
	}
	// the same directory given explicitly is used, and the helper sees that PATH
	writeHelper(t, bin, "seepath", `cat >/dev/null; printf '{"Username":"%s","Secret":"s"}' "$PATH"`)
	c, _ := Parse("config.json", []byte(`{"credsStore":"seepath"}`))
	got, err := c.Resolve(context.Background(), "h", Runner{Getenv: testPath(bin)})
	if want := testPath(bin)("PATH"); err != nil || got.Username != want {
		t.Errorf("got %v, %v; want user %s", got, err, want)
	}
}
