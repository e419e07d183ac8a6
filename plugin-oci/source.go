package main

import (
	"errors"
	"io/fs"

	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
	"github.com/mcpg-dev/mcpg-plugins/shared/ociclient"
)

// source is a store the flags chose (a registry repository or an --oci-layout directory), with
// how to word its failures as one-line *cli.Errors and the retry options for fetching from it.
type source struct {
	store ociclient.Store
	wrap  func(err error, what string) error
	opts  []ociclient.Option
}

// openLayout is an --oci-layout directory: nothing is retried; a file that cannot be read is an
// I/O error, anything else a failed check.
func openLayout(dir string) *source {
	return &source{store: ociclient.NewLayout(dir), wrap: layoutError}
}

func layoutError(err error, what string) error {
	if err == nil {
		return nil
	}
	if e, ok := settled(err); ok {
		return e
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fileio.IOError("access", pe.Path, err)
	}
	return cli.Failf("%s: %v", what, err)
}

// openRegistry opens ref's repository as the transport flags say, with creds; its failures are
// worded with the credential flags' hints and never show a secret.
func openRegistry(ref oci.Reference, topts *transportOptions, authOpts *authOptions, creds authn.Authenticator) (*source, error) {
	cfg, err := topts.config()
	if err != nil {
		return nil, err
	}
	reg, err := ociclient.OpenRegistry(ref, cfg, creds)
	if err != nil {
		return nil, cli.Usagef("%v", err)
	}
	wrap := func(err error, what string) error {
		err = registryError(reg.Classify(err), what, reg.Host(), creds)
		var ce *cli.Error
		if authOpts != nil && errors.As(err, &ce) {
			c := *ce
			var re *ociclient.RegistryError
			if c.Code == cli.ExitAuth && errors.As(err, &re) && re.Status != nil {
				c.Hint = authOpts.unauthorizedHint(reg.Host())
			}
			c.Msg, c.Hint = authOpts.redact(c.Msg), authOpts.redact(c.Hint)
			return &c
		}
		return err
	}
	return &source{store: reg, wrap: wrap,
		opts: []ociclient.Option{ociclient.WithRetries(topts.retries), ociclient.WithRetryPredicate(ociclient.Retryable),
			ociclient.WithRetryHook(topts.announceRetry("the download"))}}, nil
}
