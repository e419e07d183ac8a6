package descriptor

import (
	"slices"
	"testing"
)

// The ABI order lists the same 21 classes as the schema order, once each.
func TestClassesABIOrder(t *testing.T) {
	a, b := slices.Clone(Classes), slices.Clone(ClassesABIOrder)
	slices.Sort(a)
	slices.Sort(b)
	if len(a) != 21 || !slices.Equal(a, b) || len(slices.Compact(b)) != 21 {
		t.Fatalf("Classes and ClassesABIOrder differ:\n%v\n%v", Classes, ClassesABIOrder)
	}
	if !KnownClass("content_store") || KnownClass("ToolGate") || KnownClass("") {
		t.Error("KnownClass")
	}
}
