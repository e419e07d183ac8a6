package cli

// Message style, for every error this repository prints (age's cmd/age/tui.go keeps its rules the
// same way, in one place):
//
//   - An error message is one lower-case line with no trailing period. It names the file, flag or
//     field at fault first ("out.zip: …", "--version \"x\": …", "plugin-pack unpack: …"), then says
//     what was expected and what was found ("expected a raw 64-byte Ed25519 signature, found 128
//     bytes").
//   - Advice — what to run, which flag to use, where to look — is not part of the message: attach it
//     with WithHint, which prints it on a line of its own ("hint: see 'plugin-pack pack --help'").
//     A usage error points at the command's help with SeeHelp; argument counts are checked by
//     CheckArgs, so every command words them alike. A library, which may not import this package,
//     attaches its advice with hint.Wrap; Report prints it the same way (HintOf).
//   - Texts the reference CLI (mcpg-plugin) prints and scripts match, such as "Verification:
//     PASSED" or its signer errors, are kept word for word even where they break these rules.
