package cli

import "os"

type linkError = os.LinkError
