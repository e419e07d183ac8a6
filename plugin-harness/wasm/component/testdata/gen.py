# Regenerates the fixtures in this directory with Wasmtime 44 itself (wasmtime-py 44.0.0 has the
# component API and Wasmtime's own text parser):
#
#   python3 -m venv /tmp/v && /tmp/v/bin/pip install wasmtime==44.0.0
#   /tmp/v/bin/python gen.py
#
# - every *.wat here and under link/ is assembled into the .wasm beside it;
# - link/oracle.json records, for each link/*.wasm, what Wasmtime 44 says when the component is
#   instantiated with a linker holding exactly WASI p2 (Linker.add_wasip2, the set the gateway's
#   wasmtime_wasi::p2::add_to_linker_sync links): "ok", or its error chain.
# - oracle.json also records Wasmtime's compile error for a core module.
import json
import pathlib
import wasmtime
import wasmtime.component as wc

here = pathlib.Path(__file__).parent
engine = wasmtime.Engine()


def verdict(b):
    try:
        comp = wc.Component(engine, b)
    except Exception as ex:  # noqa: BLE001 - we record whatever Wasmtime says
        return {"stage": "compile", "error": str(ex)}
    linker = wc.Linker(engine)
    linker.add_wasip2()
    store = wasmtime.Store(engine)
    store.set_wasi(wasmtime.WasiConfig())
    try:
        linker.instantiate(store, comp)
    except Exception as ex:  # noqa: BLE001
        return {"stage": "instantiate", "error": str(ex)}
    return {"stage": "ok"}


oracle = {}
for wat in sorted(here.glob("*.wat")) + sorted((here / "link").glob("*.wat")):
    wasm = wat.with_suffix(".wasm")
    wasm.write_bytes(wasmtime.wat2wasm(wat.read_text()))
    oracle[str(wasm.relative_to(here))] = verdict(wasm.read_bytes())
oracle["core-module"] = verdict(wasmtime.wat2wasm("(module)"))
(here / "oracle.json").write_text(json.dumps(oracle, indent=1, sort_keys=True) + "\n")
print(json.dumps(oracle, indent=1, sort_keys=True))
