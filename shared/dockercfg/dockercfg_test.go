package dockercfg

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Distinctive secrets: every test that sees an error or a String checks none of these leak.
const (
	secretPass = "Zq9-PASSWORD-never-print"
	secretB64  = "dXNlcjpacTktUEFTU1dPUkQtbmV2ZXItcHJpbnQ=" // base64("user:Zq9-PASSWORD-never-print")
)

func writeConfig(t *testing.T, json string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(p, []byte(json), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// resolve loads the config text and resolves host with helpers looked up in pathDir only.
func resolve(t *testing.T, json, host, pathDir string) (Credential, error) {
	t.Helper()
	c, err := Load(writeConfig(t, json))
	if err != nil {
		return Credential{}, err
	}
	return c.Resolve(context.Background(), host, Runner{Getenv: testPath(pathDir)})
}

// testPath gives helpers dir plus the system directories their shell scripts need.
func testPath(dir string) func(string) string {
	return func(k string) string {
		if k == "PATH" {
			return dir + string(os.PathListSeparator) + "/usr/bin:/bin"
		}
		return ""
	}
}

func assertNoSecret(t *testing.T, what string, secrets ...string) {
	t.Helper()
	for _, s := range append(secrets, secretPass, secretB64) {
		if strings.Contains(what, s) {
			t.Errorf("secret %q leaked into %q", s, what)
		}
	}
}

func TestContractVectors(t *testing.T) {
	tests := []struct {
		name, json, host, user, pass, from string
	}{
		{"base64 auth", `{"auths":{"ghcr.io":{"auth":"YWxpY2U6d29uZGVybGFuZA=="}}}`, "ghcr.io", "alice", "wonderland", `auths["ghcr.io"].auth`},
		{"auth wins over plaintext", `{"auths":{"ghcr.io":{"auth":"ZnJvbV9hdXRoX2ZpZWxkOnMx","username":"from_plaintext","password":"s2"}}}`, "ghcr.io", "from_auth_field", "s1", `auths["ghcr.io"].auth`},
		{"docker hub key via https://", `{"auths":{"https://index.docker.io/v1/":{"auth":"Ym9iOmJ1aWxk"}}}`, "index.docker.io/v1/", "bob", "build", `auths["https://index.docker.io/v1/"].auth`},
		{"plaintext", `{"auths":{"harbor.internal.corp":{"username":"robot","password":"hunter2"}}}`, "harbor.internal.corp", "robot", "hunter2", `auths["harbor.internal.corp"].username/password`},
		{"blank auth falls to plaintext", `{"auths":{"h":{"auth":"  ","username":"u","password":"p"}}}`, "h", "u", "p", `auths["h"].username/password`},
		{"split at first colon", `{"auths":{"h":{"auth":"dTpwOnE6cg=="}}}`, "h", "u", "p:q:r", `auths["h"].auth`},
		{"empty user and password are still a credential entry", `{"auths":{"h":{"username":"","password":""}},"credsStore":"never-run"}`, "h", "", "", `auths["h"].username/password`},
		{"auth with surrounding space", `{"auths":{"h":{"auth":" YWxpY2U6d29uZGVybGFuZA== "}}}`, "h", "alice", "wonderland", `auths["h"].auth`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := resolve(t, tc.json, tc.host, "")
			if err != nil {
				t.Fatal(err)
			}
			if got.Username != tc.user || got.Password != tc.pass || got.IdentityToken != "" || got.From != tc.from {
				t.Errorf("got %q:%q from %s, want %q:%q from %s", got.Username, got.Password, got.From, tc.user, tc.pass, tc.from)
			}
		})
	}
}

func TestKeyMatching(t *testing.T) {
	const alice = "YWxpY2U6d29uZGVybGFuZA==" // alice:wonderland
	const bob = "Ym9iOmJ1aWxk"               // bob:build
	tests := []struct {
		keys map[string]string // key → auth
		host string
		want string // username, "" = anonymous
	}{
		{map[string]string{"ghcr.io": alice}, "ghcr.io", "alice"},
		{map[string]string{"https://ghcr.io": alice}, "ghcr.io", "alice"},
		{map[string]string{"http://ghcr.io": alice}, "ghcr.io", "alice"},
		{map[string]string{"localhost:5000": alice}, "localhost:5000", "alice"},
		{map[string]string{"localhost": alice}, "localhost:5000", ""}, // port kept
		{map[string]string{"localhost:5000": alice}, "localhost", ""},
		{map[string]string{"https://ghcr.io/": alice}, "ghcr.io", ""}, // no trailing-slash variant
		{map[string]string{"ghcr.io/v1/": alice}, "ghcr.io", ""},
		{map[string]string{"https://index.docker.io/v1/": alice}, "index.docker.io", ""},
		{map[string]string{"HTTPS://ghcr.io": alice}, "ghcr.io", ""},
		{map[string]string{"GHCR.IO": alice}, "ghcr.io", ""}, // exact, case-sensitive
		{map[string]string{"ghcr.io": alice}, "other.example", ""},
		// precedence among the three forms: exact, then https://, then http://
		{map[string]string{"ghcr.io": alice, "https://ghcr.io": bob}, "ghcr.io", "alice"},
		{map[string]string{"http://ghcr.io": alice, "https://ghcr.io": bob}, "ghcr.io", "bob"},
	}
	for _, tc := range tests {
		t.Run(tc.host+" in "+strings.Join(slices.Sorted(maps.Keys(tc.keys)), " "), func(t *testing.T) {
			var b strings.Builder
			b.WriteString(`{"auths":{`)
			i := 0
			for k, v := range tc.keys {
				if i > 0 {
					b.WriteString(",")
				}
				i++
				b.WriteString(`"` + k + `":{"auth":"` + v + `"}`)
			}
			b.WriteString(`}}`)
			got, err := resolve(t, b.String(), tc.host, "")
			if err != nil {
				t.Fatalf("%v %s: %v", tc.keys, tc.host, err)
			}
			if got.Username != tc.want {
				t.Errorf("keys %v, host %s: got user %q, want %q", tc.keys, tc.host, got.Username, tc.want)
			}
		})
	}
}

func TestAnonymous(t *testing.T) {
	for _, json := range []string{`{}`, `{"auths":{}}`, `{"auths":{"ghcr.io":{}}}`, `{"auths":{"ghcr.io":{"username":"u"}}}`,
		`{"credsStore":"  "}`, `{"auths":null,"credHelpers":null,"credsStore":null}`, `{"HttpHeaders":{"X":"y"},"psFormat":"x"}`,
		`{"auths":{"ghcr.io":{"identitytoken":"tok"}}}`} {
		t.Run(json, func(t *testing.T) {
			got, err := resolve(t, json, "ghcr.io", "")
			if err != nil || !got.Anonymous() {
				t.Errorf("%s: got %v, %v; want anonymous", json, got, err)
			}
		})
	}
}

func TestIdentityTokenInAuths(t *testing.T) {
	// Azure ACR shape: a placeholder user with an empty password, plus the token.
	got, err := resolve(t, `{"auths":{"r.azurecr.io":{"auth":"MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwOg==","identitytoken":"`+secretPass+`"}}}`, "r.azurecr.io", "")
	if err != nil {
		t.Fatal(err)
	}
	if got.IdentityToken != secretPass || got.Password != "" || got.Username != "00000000-0000-0000-0000-000000000000" {
		t.Errorf("got %#v", got)
	}
	assertNoSecret(t, got.String())
	assertNoSecret(t, got.GoString())
}

func TestMalformed(t *testing.T) {
	tests := []struct{ json, want string }{
		{`{"auths":{"ghcr.io":{"auth":"!!!!not-base64!!!!"}}}`, `auths["ghcr.io"].auth: not valid base64`},
		{`{"auths":{"ghcr.io":{"auth":"` + secretB64[:len(secretB64)-1] + `"}}}`, `auths["ghcr.io"].auth: not valid base64`}, // padding required
		{`{"auths":{"ghcr.io":{"auth":"YWxpY2U6d29uZGVybGFuZA"}}}`, `auths["ghcr.io"].auth: not valid base64`},
		{`{"auths":{"ghcr.io":{"auth":"YWxpY2U6d29uZGVybGFuZB=="}}}`, `auths["ghcr.io"].auth: not valid base64`}, // non-canonical trailing bits
		{`{"auths":{"ghcr.io":{"auth":"/w=="}}}`, `auths["ghcr.io"].auth: decoded value is not UTF-8`},
		{`{"auths":{"https://ghcr.io":{"auth":"WnE5LVBBU1NXT1JELW5ldmVyLXByaW50"}}}`, `auths["https://ghcr.io"].auth: decoded value is not user:password (no ':')`},
		{`not json at all`, `not valid JSON: line 1, column 2`},
		{"{\n  \"auths\": {\"ghcr.io\": {\"auth\": \"" + secretB64 + "\"}},\n  x\n}", `not valid JSON: line 3, column 3`},
		{`{"auths":{"ghcr.io":{"auth":"` + secretB64 + `"`, `not valid JSON: unexpected end of file`},
		{``, `not valid JSON: the file is empty`},
		{`{} {}`, `not valid JSON: line 1, column 3: data after the top-level object`},
		{`[]`, `the top level: expected an object, found an array`},
		{`{"credsStore":5}`, `credsStore: expected a string, found a number`},
		{`{"auths":{"ghcr.io":{"password":true}}}`, `auths.password: expected a string, found bool`},
		{`{"auths":{"ghcr.io":"` + secretB64 + `"}}`, `auths: expected an object, found a string`},
		{`{"credHelpers":["x"]}`, `credHelpers: expected an object, found an array`},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			_, err := resolve(t, tc.json, "ghcr.io", "")
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("%s: got %v, want *Error", tc.json, err)
				return
			}
			msg := err.Error()
			if !strings.HasSuffix(msg, ": "+tc.want) || !strings.HasPrefix(msg, e.Path+": ") || !strings.HasSuffix(e.Path, "config.json") {
				t.Errorf("%s:\n got  %s\n want <path>/config.json: %s", tc.json, msg, tc.want)
			}
			assertNoSecret(t, msg, "wonderland", "YWxpY2U6d29uZGVybGFuZ")
		})
	}
}

// A malformed entry for another host does not matter: only the entry used is decoded.
func TestMalformedOtherHostIgnored(t *testing.T) {
	got, err := resolve(t, `{"auths":{"bad.example":{"auth":"%%%"},"ghcr.io":{"auth":"YWxpY2U6d29uZGVybGFuZA=="}}}`, "ghcr.io", "")
	if err != nil || got.Username != "alice" {
		t.Errorf("got %v, %v", got, err)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope", "config.json"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %v, want fs.ErrNotExist", err)
	}
	dir := t.TempDir()
	_, err = Load(dir)
	if err == nil || errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), dir+": cannot read: ") {
		t.Errorf("directory: got %v", err)
	}
}

func TestLoadTooLarge(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(p, make([]byte, MaxConfigSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "larger than 8 MiB") {
		t.Errorf("got %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"HOME": "/home/u"}, "/home/u/.docker/config.json"},
		{map[string]string{"HOME": "/home/u", "DOCKER_CONFIG": "/etc/dc"}, "/etc/dc/config.json"},
		{map[string]string{"DOCKER_CONFIG": "/etc/dc"}, "/etc/dc/config.json"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.env), func(t *testing.T) {
			got, err := DefaultPath(env(tc.env))
			if err != nil || got != tc.want {
				t.Errorf("%v: got %q, %v; want %q", tc.env, got, err, tc.want)
			}
		})
	}
	if _, err := DefaultPath(env(nil)); !errors.Is(err, ErrNoHome) {
		t.Errorf("no HOME: got %v", err)
	}
}

func TestCredentialString(t *testing.T) {
	for _, c := range []Credential{
		{Username: "alice", Password: secretPass, From: "auths"},
		{IdentityToken: secretPass, From: "credsStore=x"},
		{},
	} {
		assertNoSecret(t, c.String())
		assertNoSecret(t, c.GoString())
	}
}
