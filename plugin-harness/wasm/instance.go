package wasm

// One call's instance: a fresh wasip2 host (the gateway's fresh Store with a fresh WasiCtx and
// ResourceTable) and every core instance of the program, in the plan's order.

import (
	"context"
	"fmt"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/cabi"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/wasip2"
)

// callState is what one call's instance holds.
type callState struct {
	host    *wasip2.Host
	bound   []api.GoFunction // the host module's function bodies for this call
	hostMod api.Module
	fuel    *fuelState
	unguard func() bool  // ends the guard's hold on the fuel checks
	mods    []api.Module // by core instance; nil until instantiated
}

// instantiate makes a fresh instance of the program, its fuel first: start functions draw on the
// call's budget, as they do on the gateway's Store. On failure the error is wazero's (a trap in a
// start function, a link error) and the part already made is returned, for the caller to read
// its fuel and then close.
func (p *program) instantiate(ctx context.Context, cfg wasip2.Config) (*callState, error) {
	st := &callState{host: wasip2.New(cfg), mods: make([]api.Module, len(p.insts))}
	st.bound = make([]api.GoFunction, len(p.hostFns))
	for i, h := range p.hostFns {
		st.bound[i] = h.bind(st)
	}
	p.cur = st
	var err error
	if st.fuel, err = newFuel(ctx, p.rt, p.fuel, p.budget); err != nil {
		return st, err
	}
	if p.engine == EngineCompiler {
		// The guard (or the run's end) stops compiled code through the fuel checks (fuel.go); the
		// interpreter watches the context itself.
		st.unguard = context.AfterFunc(ctx, st.fuel.stop)
	}
	st.hostMod, err = p.rt.InstantiateModule(ctx, p.host, wazero.NewModuleConfig().WithName(hostModuleName).WithStartFunctions())
	if err != nil {
		return st, fmt.Errorf("instantiating the host module: %w", err)
	}
	for i, in := range p.insts {
		// No _start or _initialize: the component model runs only a module's start section.
		st.mods[i], err = p.rt.InstantiateModule(ctx, in.compiled, wazero.NewModuleConfig().WithName(in.name).WithStartFunctions())
		if err != nil {
			return st, err
		}
	}
	return st, nil
}

// close ends the instance (the gateway drops the Store). Modules are closed last first, with a
// context of their own: the call's may already be done.
func (st *callState) close() {
	if st.unguard != nil {
		st.unguard()
	}
	ctx := context.Background()
	for i := len(st.mods) - 1; i >= 0; i-- {
		if st.mods[i] != nil {
			_ = st.mods[i].Close(ctx)
			st.mods[i] = nil
		}
	}
	if st.hostMod != nil {
		_ = st.hostMod.Close(ctx)
		st.hostMod = nil
	}
	if st.fuel != nil && st.fuel.mod != nil {
		_ = st.fuel.mod.Close(ctx)
	}
}

// guestMemory is a lowering's memory and realloc options, resolved in the call's instance
// (the instance exporting them may be made after the one importing the lowered function).
type guestMemory struct {
	st           *callState
	mem, realloc *ref
}

func (g *guestMemory) Memory() api.Memory {
	if g.mem == nil || g.st.mods[g.mem.inst] == nil {
		return nil
	}
	return g.st.mods[g.mem.inst].ExportedMemory(g.mem.name)
}

func (g *guestMemory) Realloc(ctx context.Context, oldPtr, oldSize, align, newSize uint32) (uint32, error) {
	if g.realloc == nil {
		return 0, fmt.Errorf("the lowering names no realloc, but its result needs guest memory")
	}
	return callRealloc(ctx, g.st, g.realloc, oldPtr, oldSize, align, newSize)
}

func callRealloc(ctx context.Context, st *callState, r *ref, oldPtr, oldSize, align, newSize uint32) (uint32, error) {
	m := st.mods[r.inst]
	if m == nil {
		return 0, fmt.Errorf("the realloc %q of core instance %d is called before that instance exists", r.name, r.inst)
	}
	fn := m.ExportedFunction(r.name)
	if fn == nil {
		return 0, fmt.Errorf("core instance %d exports no function %q (the realloc option)", r.inst, r.name)
	}
	res, err := fn.Call(ctx, uint64(oldPtr), uint64(oldSize), uint64(align), uint64(newSize))
	if err != nil {
		return 0, err
	}
	if len(res) != 1 {
		return 0, fmt.Errorf("the realloc %q returned %d values, expected 1", r.name, len(res))
	}
	return uint32(res[0]), nil
}

// guestCall is one lifted function of the call's instance with its canonical options.
type guestCall struct {
	fn   api.Function
	post api.Function
	opts cabi.Options
}

// function resolves a world function in the call's instance.
func (p *program) function(ctx context.Context, st *callState, name string) (*guestCall, error) {
	l := p.funcs[name]
	if l == nil {
		return nil, fmt.Errorf("the world has no function %s", name)
	}
	export := func(r *ref) api.Function {
		if r == nil || st.mods[r.inst] == nil {
			return nil
		}
		return st.mods[r.inst].ExportedFunction(r.name)
	}
	g := &guestCall{fn: export(&l.fn), post: export(l.post), opts: cabi.Options{Encoding: l.encoding}}
	if g.fn == nil {
		return nil, fmt.Errorf("core instance %d exports no function %q (lifted as %s)", l.fn.inst, l.fn.name, name)
	}
	if l.post != nil && g.post == nil {
		return nil, fmt.Errorf("core instance %d exports no function %q (the post-return of %s)", l.post.inst, l.post.name, name)
	}
	if l.memory != nil {
		m := st.mods[l.memory.inst].ExportedMemory(l.memory.name)
		if m == nil {
			return nil, fmt.Errorf("core instance %d exports no memory %q (the memory option of %s)", l.memory.inst, l.memory.name, name)
		}
		g.opts.Memory = m
	}
	if l.realloc != nil {
		r := l.realloc
		g.opts.Realloc = func(oldPtr, oldSize, align, newSize uint32) (uint32, error) {
			return callRealloc(ctx, st, r, oldPtr, oldSize, align, newSize)
		}
	}
	return g, nil
}
