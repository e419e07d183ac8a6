package main

// Authentication end to end: push and pull against a real htpasswd-protected distribution
// registry with every credential source (flags, env:VAR, stdin, --docker-config, ~/.docker,
// $DOCKER_CONFIG, a credential helper), and without credentials. No output of any run, --json
// included, contains the password or the Basic credentials made from it.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/testregistry"
)

const (
	e2eUser     = "auth-e2e"
	e2ePass     = "Vq4-e2e-REGISTRY-password"
	e2eWrongPwd = "Wz8-e2e-WRONG-password"
)

// authRun is one in-process run of plugin-oci with an environment the test controls entirely.
type authRun struct {
	args           []string
	stdout, stderr string
	code           int
}

func runWithEnv(t *testing.T, vars map[string]string, stdin []byte, args ...string) authRun {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env := &cli.Env{Stdin: bytes.NewReader(stdin), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return vars[k] }}
	code := cli.Report(&stderr, tool.Run(env, args))
	r := authRun{args: args, stdout: stdout.String(), stderr: stderr.String(), code: code}
	basic := base64.StdEncoding.EncodeToString([]byte(e2eUser + ":" + e2ePass))
	wrong := base64.StdEncoding.EncodeToString([]byte(e2eUser + ":" + e2eWrongPwd))
	for _, s := range []string{e2ePass, basic, e2eWrongPwd, wrong} {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("secret %.6s… in the output of plugin-oci %s:\n%s%s", s, strings.Join(args, " "), r.stdout, r.stderr)
		}
	}
	if code == cli.ExitUnsupported && strings.Contains(r.stderr, "not implemented") {
		t.Skipf("plugin-oci %s is not implemented yet", args[0])
	}
	return r
}

func (r authRun) want(t *testing.T, code int, stderrWords ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("plugin-oci %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(r.args, " "), r.code, code, r.stdout, r.stderr)
	}
	for _, w := range stderrWords {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("plugin-oci %s: stderr does not mention %q:\n%s", strings.Join(r.args, " "), w, r.stderr)
		}
	}
}

func TestAuthEndToEnd(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{Htpasswd: map[string]string{e2eUser: e2ePass}})
	dir := t.TempDir()
	zip := filepath.Join(dir, "pkg.zip")
	testregistry.WritePackage(t, zip, 64<<10, 7)
	zipBytes, err := os.ReadFile(zip)
	if err != nil {
		t.Fatal(err)
	}
	ref := func(tag string) string { return reg.Host + "/auth/pkg:" + tag }
	basic := base64.StdEncoding.EncodeToString([]byte(e2eUser + ":" + e2ePass))

	// An isolated environment: empty HOME, a PATH with only the system tools and our helpers.
	bin := t.TempDir()
	writeAuthFile(t, filepath.Join(bin, "docker-credential-e2e"),
		"#!/bin/sh\n[ \"$(cat)\" = '"+reg.Host+"' ] || { echo 'wrong host' >&2; exit 9; }\nprintf '{\"Username\":\""+e2eUser+"\",\"Secret\":\""+e2ePass+"\"}'\n", 0o755)
	writeAuthFile(t, filepath.Join(bin, "docker-credential-broken"),
		"#!/bin/sh\ncat >/dev/null\necho 'keychain locked' >&2\nexit 1\n", 0o755)
	vars := func(kv ...string) map[string]string {
		m := map[string]string{"HOME": t.TempDir(), "PATH": bin + ":/usr/bin:/bin"}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	config := func(json string) string {
		return writeAuthFile(t, filepath.Join(t.TempDir(), "config.json"), json, 0o600)
	}
	goodCfg := `{"auths":{"` + reg.Host + `":{"auth":"` + basic + `"}}}`

	t.Run("flags", func(t *testing.T) {
		runWithEnv(t, vars(), nil, "push", zip, ref("flags"), "-u", e2eUser, "-p", e2ePass).want(t, 0)
		r := runWithEnv(t, vars("REGPW", e2ePass), nil, "push", zip, ref("env"), "-u", e2eUser, "-p", "env:REGPW", "--json")
		r.want(t, 0)
		var doc map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Errorf("push --json: %v\n%s", err, r.stdout)
		}
		runWithEnv(t, vars(), []byte(e2ePass+"\n"), "push", zip, ref("stdin"), "-u", e2eUser, "--password-stdin").want(t, 0)
		runWithEnv(t, vars(), nil, "push", zip, ref("x"), "-u", e2eUser, "-p", "env:UNSET").want(t, cli.ExitUsage, "env var UNSET not set")
		runWithEnv(t, vars(), nil, "push", zip, ref("x"), "-u", e2eUser).want(t, cli.ExitUsage, "--username and --password must be supplied together")
		// stdin cannot carry both the package and the password
		runWithEnv(t, vars(), zipBytes, "push", "-", ref("x"), "-u", e2eUser, "--password-stdin").want(t, cli.ExitUsage, "--password-stdin")
		// the package from stdin with the password from the environment is fine
		runWithEnv(t, vars("REGPW", e2ePass), zipBytes, "push", "-", ref("pipe"), "-u", e2eUser, "-p", "env:REGPW").want(t, 0)
	})

	t.Run("docker config", func(t *testing.T) {
		runWithEnv(t, vars(), nil, "push", zip, ref("dc"), "--docker-config", config(goodCfg)).want(t, 0)
		home := t.TempDir()
		writeAuthFile(t, filepath.Join(home, ".docker", "config.json"), goodCfg, 0o600)
		runWithEnv(t, vars("HOME", home), nil, "push", zip, ref("home"), "--strict-auth").want(t, 0)
		dcDir := filepath.Dir(config(`{"auths":{"https://` + reg.Host + `":{"username":"` + e2eUser + `","password":"` + e2ePass + `"}}}`))
		runWithEnv(t, vars("DOCKER_CONFIG", dcDir), nil, "push", zip, ref("dockerconfig")).want(t, 0)
		runWithEnv(t, vars(), nil, "push", zip, ref("helper"), "--docker-config", config(`{"credHelpers":{"`+reg.Host+`":"e2e"}}`)).want(t, 0)
		runWithEnv(t, vars(), nil, "push", zip, ref("store"), "--docker-config", config(`{"credsStore":"e2e"}`)).want(t, 0)
	})

	t.Run("pull", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out.zip")
		r := runWithEnv(t, vars(), nil, "pull", ref("flags"), "-o", out, "-u", e2eUser, "-p", e2ePass, "--json")
		r.want(t, 0)
		if got, _ := os.ReadFile(out); !bytes.Equal(got, zipBytes) {
			t.Errorf("pulled %d bytes, want the %d-byte package", len(got), len(zipBytes))
		}
		runWithEnv(t, vars(), nil, "pull", ref("flags"), "-o", filepath.Join(t.TempDir(), "o.zip"), "--docker-config", config(goodCfg)).want(t, 0)
	})

	t.Run("refused", func(t *testing.T) {
		noCreds := []string{"push", zip, ref("anon")}
		// anonymous: exit 5, naming the registry and saying how to give credentials
		runWithEnv(t, vars(), nil, noCreds...).want(t, cli.ExitAuth, reg.Host, "credentials", "hint: ")
		runWithEnv(t, vars(), nil, "pull", ref("flags"), "-o", filepath.Join(t.TempDir(), "o.zip")).want(t, cli.ExitAuth, reg.Host)
		// wrong password: exit 5, the password nowhere
		runWithEnv(t, vars(), nil, append(noCreds, "-u", e2eUser, "-p", e2eWrongPwd)...).want(t, cli.ExitAuth, reg.Host)
		// a valid config ignored
		home := t.TempDir()
		writeAuthFile(t, filepath.Join(home, ".docker", "config.json"), goodCfg, 0o600)
		runWithEnv(t, vars("HOME", home), nil, append(noCreds, "--no-docker-config")...).want(t, cli.ExitAuth, reg.Host)
		// a broken config warns, falls back to anonymous, and the registry then refuses
		broken := config(`{"auths":{"` + reg.Host + `":{"auth":"` + basic[2:] + `"}}}`)
		runWithEnv(t, vars(), nil, append(noCreds, "--docker-config", broken)...).want(t, cli.ExitAuth,
			"warning: docker config resolution failed: "+broken+`: auths["`+reg.Host+`"].auth: not valid base64`,
			"falling back to anonymous")
		// a failing helper is named; with --strict-auth it is the error
		helperCfg := config(`{"credsStore":"broken"}`)
		runWithEnv(t, vars(), nil, append(noCreds, "--docker-config", helperCfg, "--strict-auth")...).want(t, cli.ExitAuth,
			"error: docker config resolution failed: "+helperCfg+": credsStore=broken: docker-credential-broken get failed: exit status 1: keychain locked")
	})
}
