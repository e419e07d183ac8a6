package main

import (
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
)

// layoutTag checks the positional reference of --oci-layout mode: a tag or "@sha256:<hex>".
func layoutTag(ref string) (tag, pin string, err error) {
	if d, ok := strings.CutPrefix(ref, "@"); ok {
		if _, perr := digest.Parse(d); perr != nil || !strings.HasPrefix(d, digest.Prefix) || strings.ToLower(d) != d {
			return "", "", cli.Usagef("--oci-layout: %q: expected a tag or @sha256:<64 lowercase hex digits>", oci.RedactUserinfo(ref))
		}
		return "", d, nil
	}
	if _, err := oci.ParseReference("x:" + ref); err != nil || strings.ContainsAny(ref, "/:@") {
		return "", "", cli.WithHint(cli.Usagef("--oci-layout: %q is not a tag (letters, digits, '_', '.', '-'; at most 128) or @sha256:<hex>", oci.RedactUserinfo(ref)),
			"with --oci-layout the reference names a manifest inside the directory")
	}
	return ref, "", nil
}
