package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/keys"
	"golang.org/x/term"
)

// passphraseSource says where an encrypted key's passphrase comes from: --passphrase-file, else
// $MCPG_SIGN_PASSPHRASE, else a prompt — only when stdin is a terminal and /dev/tty opens, so
// scripts and CI never block. nil means none is available; keys' error then says what to do.
func passphraseSource(env *cli.Env, file, keyName string) (keys.Passphrase, error) {
	switch {
	case file != "":
		data, err := fileio.ReadSmall(file, maxKeyFile, "a passphrase file")
		if err != nil {
			return nil, err
		}
		line, _, _ := bytes.Cut(data, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		return func() ([]byte, error) { return line, nil }, nil
	case env.Getenv(keys.PassphraseEnv) != "":
		return func() ([]byte, error) { return []byte(env.Getenv(keys.PassphraseEnv)), nil }, nil
	case !stdinIsTerminal(env):
		return nil, nil
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, nil
	}
	tty.Close()
	return func() ([]byte, error) {
		tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
		if err != nil {
			return nil, err
		}
		defer tty.Close()
		fmt.Fprintf(tty, "Enter passphrase for %s: ", keyName)
		pw, err := term.ReadPassword(int(tty.Fd()))
		fmt.Fprintln(tty)
		return pw, err
	}, nil
}

func stdinIsTerminal(env *cli.Env) bool {
	f, ok := env.Stdin.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
