package component

import (
	"fmt"
	"strings"
)

// DescribePlan renders a plan as text: imports, modules, the instance graph with what
// satisfies each import, lowerings and exports. For diagnostics and golden tests.
func DescribePlan(p *Plan) string {
	var b strings.Builder
	for _, imp := range p.Imports {
		fmt.Fprintf(&b, "import %s %q\n", imp.Sort, imp.Name)
	}
	for _, m := range p.Modules {
		fmt.Fprintf(&b, "module %d: %d bytes at %#x, %d imports, %d exports\n", m.Index, len(m.Bytes), m.Offset, len(m.Imports), len(m.Exports))
	}
	for _, in := range p.Instances {
		fmt.Fprintf(&b, "instance %d = module %d\n", in.Index, in.Module.Index)
		for _, a := range in.Args {
			fmt.Fprintf(&b, "  %s::%s (%s) <- %s\n", a.Module, a.Name, a.Type.Sort, a.Def)
		}
	}
	for _, l := range p.Lowerings {
		fmt.Fprintf(&b, "lowering %d: %s %s%s\n", l.Index, l.Name(), TypeString(l.Type), optString(l.Options))
	}
	for _, a := range p.Adapters {
		fmt.Fprintf(&b, "adapter %d: lift %s%s\n", a.Index, a.Lifted.Func, optString(a.Options))
	}
	for _, e := range p.Exports {
		fmt.Fprintf(&b, "export %s %q\n", e.Sort, e.Name)
		if e.Func != nil {
			fmt.Fprintf(&b, "  = %s %s%s\n", e.Func.Func, TypeString(e.Func.Type), optString(e.Func.Options))
		}
		for _, f := range e.Funcs {
			if f.Func != nil {
				fmt.Fprintf(&b, "  %s = %s %s%s\n", f.Name, f.Func.Func, TypeString(f.Func.Type), optString(f.Func.Options))
			} else {
				fmt.Fprintf(&b, "  %s = import %s\n", f.Name, f.Import)
			}
		}
	}
	return b.String()
}

func optString(o ABIOptions) string {
	var parts []string
	if o.StringEncoding != UTF8 {
		parts = append(parts, o.StringEncoding.String())
	}
	if o.Memory != nil {
		parts = append(parts, "memory="+o.Memory.String())
	}
	if o.Realloc != nil {
		parts = append(parts, "realloc="+o.Realloc.String())
	}
	if o.PostReturn != nil {
		parts = append(parts, "post-return="+o.PostReturn.String())
	}
	if len(parts) == 0 {
		return ""
	}
	return " [" + strings.Join(parts, ", ") + "]"
}
