package oci

import (
	"errors"
	"strings"
	"testing"
)

func TestParseReference(t *testing.T) {
	sha := "sha256:" + hexA
	sha512 := "sha512:" + strings.Repeat("f", 128)
	for _, tc := range []struct {
		in   string
		want Reference
		str  string // String(), when it differs from in
	}{
		{"ghcr.io/mcpg-dev/plugins/audit:1.0.0", Reference{"ghcr.io", "mcpg-dev/plugins/audit", "1.0.0", ""}, ""},
		{"localhost:5000/audit", Reference{"localhost:5000", "audit", "", ""}, ""},
		{"localhost/audit:dev", Reference{"localhost", "audit", "dev", ""}, ""},
		{"127.0.0.1:5000/a/b:c", Reference{"127.0.0.1:5000", "a/b", "c", ""}, ""},
		{"[::1]:5000/audit:2.0", Reference{"[::1]:5000", "audit", "2.0", ""}, ""},
		{"[fe80::1]/audit", Reference{"[fe80::1]", "audit", "", ""}, ""},
		{"r.io/audit@" + sha, Reference{"r.io", "audit", "", sha}, ""},
		{"r.io/audit:1.0@" + sha, Reference{"r.io", "audit", "1.0", sha}, ""},
		{"r.io/audit@" + sha512, Reference{"r.io", "audit", "", sha512}, ""},
		{"Registry.Example.COM/x", Reference{"Registry.Example.COM", "x", "", ""}, ""},
		{"r.io/a__b/c-----d/e.f_g:T_a-g.1", Reference{"r.io", "a__b/c-----d/e.f_g", "T_a-g.1", ""}, ""},
		{"r.io/x:" + strings.Repeat("t", 128), Reference{"r.io", "x", strings.Repeat("t", 128), ""}, ""},
		{"xn--n3h.com/myimage:xn--n3h.com", Reference{"xn--n3h.com", "myimage", "xn--n3h.com", ""}, ""},
		{"b.gcr.io/test.example.com/my-app:test.example.com", Reference{"b.gcr.io", "test.example.com/my-app", "test.example.com", ""}, ""},
		// Docker's implicit registry, as oci-client applies it.
		{"busybox", Reference{"docker.io", "library/busybox", "", ""}, "docker.io/library/busybox"},
		{"audit:1.0.0", Reference{"docker.io", "library/audit", "1.0.0", ""}, "docker.io/library/audit:1.0.0"},
		{"opensuse/leap:15.3", Reference{"docker.io", "opensuse/leap", "15.3", ""}, "docker.io/opensuse/leap:15.3"},
		{"test.com:5000", Reference{"docker.io", "library/test.com", "5000", ""}, "docker.io/library/test.com:5000"},
		{"foo/foo_bar.com:8080", Reference{"docker.io", "foo/foo_bar.com", "8080", ""}, "docker.io/foo/foo_bar.com:8080"},
		{"index.docker.io/x", Reference{"docker.io", "library/x", "", ""}, "docker.io/library/x"},
		{"docker.io/library/x", Reference{"docker.io", "library/x", "", ""}, ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseReference(tc.in)
			if err != nil {
				t.Errorf("ParseReference(%q): %v", tc.in, err)
				return
			}
			if got != tc.want {
				t.Errorf("ParseReference(%q) = %#v, want %#v", tc.in, got, tc.want)
			}
			want := tc.str
			if want == "" {
				want = tc.in
			}
			if got.String() != want {
				t.Errorf("ParseReference(%q).String() = %q, want %q", tc.in, got.String(), want)
			}
		})
	}
}

func TestParseReferenceErrors(t *testing.T) {
	for _, tc := range []struct{ in, reason string }{
		{"", "empty reference"},
		{"Foo/bar:1", `repository "Foo/bar" must be lowercase`},
		{"r.io/Foo", `repository "Foo" must be lowercase`},
		{"Uppercase:tag", `repository "Uppercase" must be lowercase`},
		{":justtag", "missing repository name"},
		{"@" + "sha256:" + hexA, "missing repository name"},
		{"r.io/", "empty path component"},
		{"r.io//a", "empty path component"},
		{"r.io/a/", "empty path component"},
		{"r.io/a:", "empty tag after ':'"},
		{"r.io/a:-x", "must start with a letter, digit or '_'"},
		{"r.io/a:.x", "must start with a letter, digit or '_'"},
		{"r.io/a:x+y", `contains "+"`},
		{"r.io/a:" + strings.Repeat("t", 129), "tag is 129 characters; at most 128"},
		{"r.io/a@sha256:abc", "sha256 digest has 3 hex digits; expected 64"},
		{"r.io/a@sha256:" + strings.ToUpper(hexA), "is not a lowercase hex digit"},
		{"r.io/a@md5:" + hexA[:32], `digest algorithm "md5" is not supported`},
		{"r.io/a@" + hexA, "must be algorithm:hex"},
		{"r.io/a@sha256:" + hexA + "@sha256:" + hexA, "digest has"},
		{"r.io/-a", "must start and end with a lowercase letter or digit"},
		{"r.io/a-", "must start and end"},
		{"r.io/a..b", `separator ".."`},
		{"r.io/a___b", `separator "___"`},
		{"r.io/a._b", `separator "._"`},
		{"r.io/a$b", `contains "$"`},
		{"aa/asdf$$^/aa", `contains "$"`},
		{"-r.io/a", `host label "-r"`},
		{"r..io/a", `host label ""`},
		{"r_x.io/a", `host label "r_x"`},
		{":5000/a", "empty host"},
		{"r.io:/a", "empty port"},
		{"r.io:70000/a", `port "70000" is not a number`},
		{"r.io:50a/a", `port "50a"`},
		{"[::1/a", "missing ']'"},
		{"[zz::1]/a", "is not an IPv6 address"},
		{"[127.0.0.1]/a", "is not an IPv6 address"},
		{"[::1]x/a", "expected ':port'"},
		{"[::1]:/a", "empty port"},
		{"[::1]:5000", `component "[::1]" contains "["`}, // no "/": "5000" is the tag
		{"https://r.io/a", `drop "https://"`},
		{"r.io/a b", "contains a space at byte 6"},
		{"r.io/a\x00", "byte 0x00 at byte 6"},
		{"r.io/é", "byte 0xc3"},
		{"r.io/" + strings.Repeat("a", 256), "repository is 256 characters; at most 255"},
		{"x/" + strings.Repeat("a", 254), "repository is 256 characters"}, // docker.io/ implicit, no library/
		{strings.Repeat("a/", 3000), "bytes long"},
	} {
		t.Run(caseName(tc.in), func(t *testing.T) {
			_, err := ParseReference(tc.in)
			var re *ReferenceError
			if !errors.As(err, &re) {
				t.Errorf("ParseReference(%q) = %v, want a *ReferenceError", tc.in, err)
				return
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("ParseReference(%q) error %q, want it to contain %q", tc.in, err, tc.reason)
			}
			if !strings.HasPrefix(err.Error(), "reference \"") || strings.Contains(err.Error(), "\n") || len(err.Error()) > 600 {
				t.Errorf("ParseReference(%q) error is not one short line naming the reference: %q", tc.in, err)
			}
		})
	}
}

func TestReferenceHelpers(t *testing.T) {
	r, err := ParseReference("r.io/a:1@sha256:" + hexA)
	if err != nil {
		t.Fatal(err)
	}
	if r.Identifier() != "sha256:"+hexA || r.Name() != "r.io/a" {
		t.Errorf("Identifier %q, Name %q", r.Identifier(), r.Name())
	}
	if w := r.WithTag("2"); w.String() != "r.io/a:2" || w.Identifier() != "2" {
		t.Errorf("WithTag: %q", w)
	}
	if (Reference{Registry: "r.io", Repository: "a"}).Identifier() != "latest" {
		t.Error("untagged Identifier is not latest")
	}
}

// Every platform candidate of a valid reference is itself valid, so the resolver's output can be
// handed to ParseReference.
func TestCandidatesParse(t *testing.T) {
	for _, ref := range []string{"audit", "audit:1.0.0", "localhost:5000/audit", "r.io/a:protocol-1", "r.io/a@sha256:" + hexA} {
		t.Run(ref, func(t *testing.T) {
			for _, c := range PlatformCandidates(NormaliseReference(ref, DefaultRegistry), "linux-musl-arm64") {
				if _, err := ParseReference(c); err != nil {
					t.Errorf("candidate of %q: %v", ref, err)
				}
			}
		})
	}
}

// FuzzParseReference: never panics; an accepted reference prints to text that parses back to the
// same value, and errors are one line naming the reference.
func FuzzParseReference(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseReference(s)
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "reference ") {
				t.Fatalf("bad error line %q", msg)
			}
			return
		}
		again, err := ParseReference(r.String())
		if err != nil {
			t.Fatalf("%q parsed to %#v whose String %q does not parse: %v", s, r, r.String(), err)
		}
		if again != r {
			t.Fatalf("%q: %#v re-parses to %#v", s, r, again)
		}
		if r.Registry == "" || r.Repository == "" || len(r.Repository) > MaxRepositoryLength || len(r.Tag) > MaxTagLength {
			t.Fatalf("%q parsed to %#v", s, r)
		}
	})
}

func TestRedactUserinfo(t *testing.T) {
	for in, want := range map[string]string{
		"user:secret@localhost:5000/x:1":                   "***@localhost:5000/x:1",
		"https://user:secret@host.example/x":               "https://***@host.example/x",
		"user@host.example/x":                              "***@host.example/x",
		"user:secret@host.example":                         "***@host.example",
		"a:b@c:d@host.example/x":                           "***@host.example/x",
		"host.example/x@sha256:" + strings.Repeat("0", 64): "host.example/x@sha256:" + strings.Repeat("0", 64),
		"audit@sha256:abc":                                 "audit@sha256:abc",
		"localhost:5000/x:1":                               "localhost:5000/x:1",
	} {
		if got := RedactUserinfo(in); got != want {
			t.Errorf("RedactUserinfo(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseReferenceRefusesCredentials(t *testing.T) {
	_, err := ParseReference("user:secret@localhost:5000/x:1")
	if err == nil || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "credentials") {
		t.Errorf("ParseReference with userinfo: %v", err)
	}
	if err := (&ReferenceError{Ref: "u:secret@h.example/x", Reason: "r"}); strings.Contains(err.Error(), "secret") {
		t.Errorf("ReferenceError shows the password: %v", err)
	}
}
