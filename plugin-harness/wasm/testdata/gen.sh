#!/usr/bin/env bash
# Regenerates this directory's binaries and the oracle's answers for them: each .wat is assembled
# by Wasmtime 44's own text parser (scripts/wasm-oracle wat2wasm), and each case below is run by
# scripts/wasm-oracle (Wasmtime 44, as the gateway runs a plugin) into <case>.oracle.json, which
# runtime_test.go holds the harness to; fuel-oracle.py records Wasmtime's fuel on the core modules
# fuel*.wasm into fuel.oracle.json (fuel_test.go). Run from anywhere; needs python3 (the oracle makes its venv).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
oracle="$root/scripts/wasm-oracle"
for wat in "$here"/*.wat; do
  python3 "$oracle" wat2wasm "$wat" "${wat%.wat}.wasm"
done
desc="$here/.descriptor.yaml"
cat > "$desc" <<YAML
schema: mcpg.dev/plugin/v1
id: com.example.wasm-runtime-test
name: Wasm Runtime Test
license: Apache-2.0
description: A plugin-harness wasm runtime test component.
class: tool_gate
runtime: wasi-v1
protocol_version: "1.0"
YAML
# case name | binary | oracle arguments
cases=(
  "resources|resources.wasm|"
  "sites|sites.wasm|"
  "core-gate|core-gate.wasm|"
  "spin|spin.wasm|"
  "resources-memory0|resources.wasm|--limits {\"memory_mb\":0}"
)
for c in "${cases[@]}"; do
  IFS='|' read -r name bin args <<<"$c"
  # shellcheck disable=SC2086
  python3 "$oracle" test "$here/$bin" --descriptor "$desc" --serde-json-echo none $args > "$here/$name.oracle.json"
done
rm -f "$desc"
# Wasmtime's fuel on the core modules fuel*.wasm, case by case (fuel_test.go): with the oracle's
# own Python, which has wasmtime-py.
"$root/.tools/wasm-oracle-venv/bin/python" "$here/fuel-oracle.py" "$here" > "$here/fuel.oracle.json"
