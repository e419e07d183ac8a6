package ociclient

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/dockercfg"
)

func TestDockerCredential(t *testing.T) {
	home := t.TempDir()
	getenv := func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	ctx := context.Background()
	t.Run("no default config is anonymous", func(t *testing.T) {
		cred, file, err := DockerCredential(ctx, "", "reg.example", getenv, dockercfg.Runner{Getenv: getenv})
		if err != nil || !cred.Anonymous() || file != filepath.Join(home, ".docker", "config.json") {
			t.Fatalf("%+v from %s, %v", cred, file, err)
		}
	})
	t.Run("a missing explicit config is an error", func(t *testing.T) {
		if _, _, err := DockerCredential(ctx, filepath.Join(home, "nope.json"), "reg.example", getenv, dockercfg.Runner{}); err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("auths entry", func(t *testing.T) {
		p := filepath.Join(home, "config.json")
		auth := base64.StdEncoding.EncodeToString([]byte("alice:s3cret-pass"))
		if err := os.WriteFile(p, []byte(`{"auths":{"reg.example":{"auth":"`+auth+`"}}}`), 0o600); err != nil {
			t.Fatal(err)
		}
		cred, file, err := DockerCredential(ctx, p, "reg.example", getenv, dockercfg.Runner{})
		if err != nil || file != p || cred.Username != "alice" || cred.Password != "s3cret-pass" {
			t.Fatalf("%+v from %s, %v", cred, file, err)
		}
		a := Credentials(cred)
		if printed := fmt.Sprintf("%v %#v %s", a, a, a); strings.Contains(printed, "s3cret") {
			t.Fatalf("a secret is printed: %s", printed)
		}
		if c, _ := a.Authorization(); c.Password != "s3cret-pass" {
			t.Fatalf("authorization %+v", c)
		}
	})
}
