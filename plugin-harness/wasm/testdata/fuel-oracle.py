"""Wasmtime 44's fuel on the core modules fuel*.wasm, for fuel_test.go (run by gen.sh, which
passes the oracle's Python, wasmtime-py 44.0.0, as the gateway's Wasmtime 44 meters it).

For each case (module, export, arguments) it records the outcome with a large budget (the fuel
used, the result or the error as Wasmtime displays it), the smallest budget with that same outcome
and the outcome one below it, with budget 0, and with the largest budget (2^64-1) unless the guest
spins. The imports of
fuel.wasm: env.host, a function doing nothing, and env.base, the immutable i32 2."""

import json
import re
import sys

import wasmtime

CASES = [
    ("fuel.wasm", "straight", []),
    ("fuel.wasm", "ops", []),
    ("fuel.wasm", "blocks", [0]), ("fuel.wasm", "blocks", [1]), ("fuel.wasm", "blocks", [2]),
    ("fuel.wasm", "blocks", [3]), ("fuel.wasm", "blocks", [7]),
    ("fuel.wasm", "ifelse", [0]), ("fuel.wasm", "ifelse", [1]), ("fuel.wasm", "ifelse", [9]),
    ("fuel.wasm", "loops", [1]), ("fuel.wasm", "loops", [4]),
    ("fuel.wasm", "tail", [3]),
    ("fuel.wasm", "calls", [5]),
    ("fuel.wasm", "indirect", [5]),
    ("fuel.wasm", "tailcall", [3]),
    ("fuel.wasm", "host", []),
    ("fuel.wasm", "exit", [0]), ("fuel.wasm", "exit", [1]), ("fuel.wasm", "exit", [2]), ("fuel.wasm", "exit", [3]),
    ("fuel.wasm", "dead", [0]), ("fuel.wasm", "dead", [1]),
    ("fuel.wasm", "unreachable", [0]), ("fuel.wasm", "unreachable", [-1]),
    ("fuel.wasm", "div", [0]), ("fuel.wasm", "div", [2]),
    ("fuel.wasm", "oob", [70000]), ("fuel.wasm", "oob", [4]),
    ("fuel.wasm", "locals", [1]),
    ("fuel.wasm", "spin", []),
    ("fuel.wasm", "deep", [3]), ("fuel.wasm", "deep", [40]),
    ("fuel-start.wasm", "get", []),
]

LARGE = 10_000_000  # every case but spin finishes well within it
HUGE = 2**64 - 1

cfg = wasmtime.Config()
cfg.consume_fuel = True
engine = wasmtime.Engine(cfg)
modules = {}


def attempt(path, export, args, budget):
    if path not in modules:
        modules[path] = wasmtime.Module.from_file(engine, path)
    module = modules[path]
    store = wasmtime.Store(engine)
    store.set_fuel(budget)
    imports = []
    for imp in module.imports:
        if imp.name == "host":
            imports.append(wasmtime.Func(store, wasmtime.FuncType([], []), lambda: None))
        else:
            imports.append(wasmtime.Global(store, wasmtime.GlobalType(wasmtime.ValType.i32(), False), wasmtime.Val.i32(2)))
    out = {}
    try:
        instance = wasmtime.Instance(store, module, imports)
        out["result"] = instance.exports(store)[export](store, *args)
        out["status"] = "ok"
    except (wasmtime.WasmtimeError, wasmtime.Trap) as e:
        out["status"] = "trap"
        text = str(e)
        out["error"] = text.split("\n\nCaused by:\n")[0]
        out["trap"] = re.sub(r"^\d+: ", "", text.strip().split("\n")[-1].strip())
        out["instantiating"] = "instance" not in locals()
    out["fuel_used"] = budget - store.get_fuel()
    return out


def same(a, b):
    return a["status"] == b["status"] and a.get("trap") == b.get("trap") and a.get("result") == b.get("result")


def main(directory):
    out = []
    for path, export, args in CASES:
        full = f"{directory}/{path}"
        large = attempt(full, export, args, LARGE)
        case = {"module": path, "export": export, "args": args, "large": large,
                "zero": attempt(full, export, args, 0)}
        if "all fuel consumed" not in large.get("trap", ""):  # a spinning guest never ends with more
            case["huge"] = attempt(full, export, args, HUGE)
            lo, hi = 0, large["fuel_used"] + 1  # the smallest budget with the large budget's outcome
            while lo < hi:
                mid = (lo + hi) // 2
                if same(attempt(full, export, args, mid), large):
                    hi = mid
                else:
                    lo = mid + 1
            case["threshold"] = lo
            case["at_threshold"] = attempt(full, export, args, lo)
            case["below_threshold"] = attempt(full, export, args, lo - 1)
        out.append(case)
    json.dump({"oracle": f"wasmtime-py {wasmtime.__version__ if hasattr(wasmtime, '__version__') else '44.0.0'}",
               "cases": out}, sys.stdout, indent=1)
    sys.stdout.write("\n")


main(sys.argv[1])
