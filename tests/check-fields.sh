#!/usr/bin/env bash
# The plugin's field registrations as a user meets them in tshark -G fields
# and the filter toolbar: every value field explains itself (a blurb), no
# two SMQP fields share a label (the detail pane would show two "Status"),
# and every filter of docs/smqp.colorfilters is one tshark accepts.
#   SMQP_PLUGIN=build/smqp.so tests/check-fields.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
SMQP_HOME=$(mktemp -d /tmp/smqp-home.XXXXXX)
export SMQP_HOME
trap 'rm -rf "$SMQP_HOME"' EXIT
"$here/smqp-tshark" --check-loaded || exit 1
fail=0
# F, label, abbrev, type, protocol, parent, base, blurb; FT_NONE fields are
# expert items and markers, whose label is their text
fields=$("$here/smqp-tshark" -G fields | awk -F'\t' '$1 == "F" && $5 == "smqp" && $4 != "FT_NONE"')
[[ -n $fields ]] || { echo "FAIL: tshark lists no SMQP field"; exit 1; }
missing=$(awk -F'\t' '$8 == "" { print $3 }' <<<"$fields")
if [[ -n $missing ]]; then
    echo "FAIL: fields without a blurb:" $missing
    fail=1
fi
shared=$(awk -F'\t' '{ n[$2]++; a[$2] = a[$2] " " $3 } END { for (l in n) if (n[l] > 1) print l ":" a[l] }' <<<"$fields")
if [[ -n $shared ]]; then
    echo "FAIL: labels shared by several fields:"
    printf '  %s\n' "$shared"
    fail=1
fi
while IFS= read -r line; do
    [[ $line == @* ]] || continue
    filter=$(cut -d@ -f3 <<<"$line")
    if ! "$here/smqp-tshark" -r "$top/captures/noop-quit.pcap" -Y "$filter" >/dev/null 2>&1; then
        echo "FAIL: colouring rule filter rejected: $filter"
        fail=1
    fi
done <"$top/docs/smqp.colorfilters"
((fail)) || echo "ok: $(wc -l <<<"$fields") value fields with blurbs and labels of their own; colouring rules valid"
exit $fail
