// Package dockercfg resolves registry credentials from a Docker config.json exactly as the MCPG
// gateway does (docs/contract.md §5.5, mcpg-plugin-host docker_credentials.rs): for registry host H,
// credHelpers[H'] → auths[H'].auth → auths[H'].username+password → credsStore → anonymous, where H'
// is the first of H, https://H, http://H that is a key. It has no registry client dependency;
// callers adapt Credential to theirs. No message from this package contains a secret.
package dockercfg

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// MaxConfigSize bounds how much of a config.json is read; real ones are a few KiB.
const MaxConfigSize = 8 << 20

// Credential is what a config yields for one host. The zero value means anonymous.
type Credential struct {
	Username      string
	Password      string
	IdentityToken string // a helper's Username "<token>", or an auths entry's identitytoken
	From          string // where it came from, secret-free: `auths["ghcr.io"].auth`, `credsStore=desktop`
}

// Anonymous reports whether c carries no credential at all.
func (c Credential) Anonymous() bool {
	return c.Username == "" && c.Password == "" && c.IdentityToken == ""
}

// String describes c without its secret, so a stray %v cannot leak it.
func (c Credential) String() string {
	switch {
	case c.Anonymous():
		return "anonymous"
	case c.IdentityToken != "":
		return fmt.Sprintf("identity token from %s", c.From)
	}
	return fmt.Sprintf("user %q from %s", c.Username, c.From)
}

// GoString keeps %#v secret-free too.
func (c Credential) GoString() string { return "dockercfg.Credential{" + c.String() + "}" }

// Config is the part of config.json that credential resolution reads.
type Config struct {
	Path        string // the file it was read from, for messages
	Auths       map[string]AuthEntry
	CredHelpers map[string]string
	CredsStore  string
}

// AuthEntry is one auths entry. Pointers tell an absent field from an empty one, as the gateway
// does (an entry with username "" and password "" is still a credential).
type AuthEntry struct {
	Auth          *string `json:"auth"`
	Username      *string `json:"username"`
	Password      *string `json:"password"`
	IdentityToken *string `json:"identitytoken"`
}

type fileShape struct {
	Auths       map[string]AuthEntry `json:"auths"`
	CredHelpers map[string]string    `json:"credHelpers"`
	CredsStore  *string              `json:"credsStore"`
}

// Error is a resolution failure: an unreadable or malformed file, a malformed entry or a failing
// credential helper. Its message names the file and the entry and never contains a secret.
type Error struct {
	Path   string // the config file
	Source string // the entry at fault (`auths["ghcr.io"].auth`, `credsStore=desktop`); empty: the file
	Reason string
	Err    error // the underlying error, when it is secret-free (I/O errors)
}

func (e *Error) Error() string {
	if e.Source == "" {
		return fmt.Sprintf("%s: %s", e.Path, e.Reason)
	}
	return fmt.Sprintf("%s: %s: %s", e.Path, e.Source, e.Reason)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrNoHome is returned by DefaultPath when neither DOCKER_CONFIG nor HOME is set.
var ErrNoHome = errors.New("HOME is not set: cannot locate ~/.docker/config.json")

// DefaultPath is $DOCKER_CONFIG/config.json when DOCKER_CONFIG is set, else
// $HOME/.docker/config.json (the docker CLI's rule; the gateway itself only reads the latter).
func DefaultPath(getenv func(string) string) (string, error) {
	if dir := getenv("DOCKER_CONFIG"); dir != "" {
		return filepath.Join(dir, "config.json"), nil
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".docker", "config.json"), nil
	}
	return "", ErrNoHome
}

// Load reads and parses the config at path. A missing file is an *Error wrapping fs.ErrNotExist,
// which callers treat as "no credentials" (the gateway does).
func Load(path string) (*Config, error) {
	data, err := fileio.ReadSmall(path, MaxConfigSize, "a docker config")
	var fe *fileio.Error
	var tl *fileio.TooLargeError
	switch {
	case errors.As(err, &fe):
		return nil, &Error{Path: path, Reason: "cannot read: " + fileio.Reason(fe.Err), Err: fe.Err}
	case errors.As(err, &tl):
		return nil, &Error{Path: path, Reason: fmt.Sprintf("larger than %d MiB; not a docker config", MaxConfigSize>>20)}
	case err != nil: // not a file at all (a directory)
		return nil, &Error{Path: path, Reason: "cannot read: not a file"}
	}
	return Parse(path, data)
}

// Parse parses config.json bytes; path is only used in messages. Like the gateway, it rejects a
// file whose known fields have the wrong JSON type and ignores every other field.
func Parse(path string, data []byte) (*Config, error) {
	var raw fileShape
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return nil, &Error{Path: path, Reason: jsonReason(data, err)}
	}
	if off := dec.InputOffset(); len(bytes.TrimSpace(data[off:])) != 0 {
		return nil, &Error{Path: path, Reason: "not valid JSON: " + position(data, off) + ": data after the top-level object"}
	}
	c := &Config{Path: path, Auths: raw.Auths, CredHelpers: raw.CredHelpers}
	if raw.CredsStore != nil {
		c.CredsStore = *raw.CredsStore
	}
	return c, nil
}

// jsonReason explains a decoding failure by position and JSON type only: encoding/json quotes
// input characters in its messages, and the input holds secrets.
func jsonReason(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		if syn.Offset >= int64(len(data)) {
			return "not valid JSON: unexpected end of file"
		}
		return "not valid JSON: " + position(data, syn.Offset-1)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the top level"
		}
		return fmt.Sprintf("%s: expected %s, found %s", field, jsonKind(typ.Type), article(typ.Value))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "not valid JSON: unexpected end of file"
	case errors.Is(err, io.EOF):
		return "not valid JSON: the file is empty"
	}
	return "not valid JSON"
}

func position(data []byte, off int64) string {
	if off < 0 {
		off = 0
	}
	before := data[:min(off, int64(len(data)))]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return fmt.Sprintf("line %d, column %d", line, col)
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

func article(jsonType string) string {
	switch jsonType {
	case "object", "array":
		return "an " + jsonType
	case "number", "string":
		return "a " + jsonType
	}
	return jsonType // bool, null
}

// Resolve returns the credential for registry host (host[:port], no scheme), running credential
// helpers through run. A zero Credential and nil error mean anonymous. Helpers that answer
// "credentials not found" mean anonymous too.
func (c *Config) Resolve(ctx context.Context, host string, run Runner) (Credential, error) {
	if key, name, ok := lookup(c.CredHelpers, host); ok {
		return c.runHelper(ctx, run, fmt.Sprintf("credHelpers[%q]=%s", key, name), name, host)
	}
	if key, e, ok := lookup(c.Auths, host); ok {
		src := fmt.Sprintf("auths[%q]", key)
		if e.Auth != nil && strings.TrimSpace(*e.Auth) != "" {
			user, pass, err := decodeAuth(*e.Auth)
			if err != nil {
				return Credential{}, &Error{Path: c.Path, Source: src + ".auth", Reason: err.Error()}
			}
			// An identity token (Azure ACR, `docker login` with OAuth) travels with a placeholder
			// auth; the gateway ignores it, a registry client needs it.
			if e.IdentityToken != nil && *e.IdentityToken != "" {
				return Credential{Username: user, IdentityToken: *e.IdentityToken, From: src + ".identitytoken"}, nil
			}
			return Credential{Username: user, Password: pass, From: src + ".auth"}, nil
		}
		if e.Username != nil && e.Password != nil {
			return Credential{Username: *e.Username, Password: *e.Password, From: src + ".username/password"}, nil
		}
	}
	if name := strings.TrimSpace(c.CredsStore); name != "" {
		return c.runHelper(ctx, run, "credsStore="+name, name, host)
	}
	return Credential{}, nil
}

// lookup finds host as a key exactly, then as https://host, then http://host — no other variants
// (no trailing slash, no /v1/), as the gateway.
func lookup[V any](m map[string]V, host string) (key string, v V, ok bool) {
	for _, k := range []string{host, "https://" + host, "http://" + host} {
		if v, ok := m[k]; ok {
			return k, v, true
		}
	}
	return "", v, false
}

// decodeAuth splits base64("user:pass") at the first colon. Standard alphabet, padding required
// and canonical, as the gateway's decoder.
func decodeAuth(b64 string) (user, pass string, err error) {
	s := strings.TrimSpace(b64)
	if strings.ContainsAny(s, "\r\n") {
		return "", "", errors.New("not valid base64 (contains a line break)")
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return "", "", errors.New("not valid base64")
	}
	if !utf8.Valid(raw) {
		return "", "", errors.New("decoded value is not UTF-8")
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", "", errors.New("decoded value is not user:password (no ':')")
	}
	return user, pass, nil
}

// secrets lists every secret the file holds, in every form, so helper output can be scrubbed of
// them before it is quoted.
func (c *Config) secrets() []string {
	var out []string
	add := func(s *string) {
		if s != nil && strings.TrimSpace(*s) != "" {
			out = append(out, strings.TrimSpace(*s))
		}
	}
	for _, e := range c.Auths {
		add(e.Auth)
		add(e.Password)
		add(e.IdentityToken)
		if e.Auth != nil {
			if _, pass, err := decodeAuth(*e.Auth); err == nil {
				add(&pass)
			}
		}
	}
	return out
}
