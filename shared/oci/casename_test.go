package oci

// caseName shortens a long input to a subtest name that still reads as the input.
func caseName(in string) string {
	const max = 40
	if r := []rune(in); len(r) > max {
		return string(r[:max]) + "…"
	}
	return in
}
