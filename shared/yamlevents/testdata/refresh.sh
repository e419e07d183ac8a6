#!/bin/sh
# Regenerates golden/*.events.jsonl from golden/*.yaml with the reference event dumper: a small
# program around unsafe-libyaml 0.2.11 (= libyaml 0.2.5, the parser under serde_yaml 0.9) that
# prints one JSON object per event and ends with the stream-end event or an {"error": …} object;
# like serde_yaml, it sets the encoding to UTF-8 (yaml_parser_set_encoding) before parsing.
# Not run by CI. Usage: EVORACLE=/path/to/evoracle ./refresh.sh
set -eu
: "${EVORACLE:?set EVORACLE to the reference dumper binary}"
cd "$(dirname "$0")/golden"
for f in *.yaml; do
	# The dumper prints a {"file": …} header first; the stored output is everything after it.
	"$EVORACLE" "$f" | tail -n +2 >"${f%.yaml}.events.jsonl"
done
echo "refreshed $(ls ./*.yaml | wc -l) golden outputs"
