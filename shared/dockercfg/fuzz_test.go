package dockercfg

import (
	"context"
	"strings"
	"testing"
)

// FuzzResolve: any config text resolves or fails with one secret-free line; never panics. No
// helper can run (empty PATH).
func FuzzResolve(f *testing.F) {
	f.Add([]byte(`{"auths":{"ghcr.io":{"auth":"YWxpY2U6d29uZGVybGFuZA=="}}}`))
	f.Add([]byte(`{"auths":{"https://ghcr.io":{"username":"u","password":"p"}},"credsStore":"desktop"}`))
	f.Add([]byte(`{"credHelpers":{"ghcr.io":"ecr-login"}}`))
	f.Add([]byte(`{"auths":{"ghcr.io":{"auth":"!!"}}}`))
	f.Add([]byte("{\n\"auths\": [1, 2]\n}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("config.json", data)
		if err == nil {
			_, err = c.Resolve(context.Background(), "ghcr.io", Runner{Getenv: func(string) string { return "" }})
		}
		if err == nil {
			return
		}
		msg := err.Error()
		if strings.ContainsAny(msg, "\n\r") {
			t.Errorf("multi-line error %q", msg)
		}
		if c == nil {
			return
		}
		var names strings.Builder // text that may legitimately appear in a message
		for k := range c.Auths {
			names.WriteString(k + "\x00")
		}
		for k, v := range c.CredHelpers {
			names.WriteString(k + "\x00" + v + "\x00")
		}
		names.WriteString(c.CredsStore)
		for _, s := range c.secrets() {
			if len(s) >= 8 && strings.Contains(msg, s) && !strings.Contains(names.String(), s) {
				t.Errorf("secret %q in %q", s, msg)
			}
		}
	})
}
