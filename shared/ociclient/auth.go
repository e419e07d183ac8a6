package ociclient

import (
	"context"
	"errors"
	"io/fs"

	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/mcpg-dev/mcpg-plugins/shared/dockercfg"
)

// Credentials is c for OpenRegistry: a static authenticator whose printed forms (%v, %#v)
// carry no secret.
func Credentials(c dockercfg.Credential) authn.Authenticator {
	return &secretAuth{cfg: authn.AuthConfig{Username: c.Username, Password: c.Password, IdentityToken: c.IdentityToken}, desc: c.String()}
}

// DockerCredential looks host (host[:port]) up in the docker config at path; path "" is the
// default ($DOCKER_CONFIG/config.json, else ~/.docker/config.json), whose absence means
// anonymous, as for the gateway. It returns the file it used. Credential helpers run through run.
func DockerCredential(ctx context.Context, path, host string, getenv func(string) string, run dockercfg.Runner) (cred dockercfg.Credential, file string, err error) {
	explicit := path != ""
	if !explicit {
		if path, err = dockercfg.DefaultPath(getenv); err != nil {
			return cred, path, err
		}
	}
	cfg, err := dockercfg.Load(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return cred, path, nil // no docker config at all: anonymous
	}
	if err != nil {
		return cred, path, err
	}
	cred, err = cfg.Resolve(ctx, host, run)
	return cred, path, err
}

// secretAuth is a static authn.Authenticator whose printed forms carry no secret.
type secretAuth struct {
	cfg  authn.AuthConfig
	desc string
}

func (a *secretAuth) Authorization() (*authn.AuthConfig, error) {
	c := a.cfg
	return &c, nil
}

func (a *secretAuth) String() string   { return a.desc }
func (a *secretAuth) GoString() string { return "credentials{" + a.desc + "}" }
