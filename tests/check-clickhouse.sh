#!/usr/bin/env bash
# The ClickHouse store of large captures, end to end: a private
# clickhouse-server on free local ports, the rows of smqp-shard-decode
# (K = 2) loaded by tools/smqp-clickhouse-load, the three queries of
# tools/clickhouse/queries.sql run, and their results compared with the
# same figures computed here from the whole capture's rows, without
# ClickHouse. Prints the ingest rate.
#   SMQP_PLUGIN=build/smqp.so tests/check-clickhouse.sh SCRIPTGEN PCAPGEN
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
scriptgen=$1 pcapgen=$2
work=$(mktemp -d /tmp/smqp-clickhouse-test.XXXXXX)
chmod 755 "$work"
SMQP_HOME=$(mktemp -d /tmp/smqp-home.XXXXXX)
export SMQP_HOME SMQP_TSHARK="$here/smqp-tshark"
server=
cleanup() {
    [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work" "$SMQP_HOME"
}
trap cleanup EXIT
"$here/smqp-tshark" --check-loaded || exit 1

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
tcp=$(free_port) http=$(free_port)
mkdir -p "$work/ch"
cat >"$work/ch/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$work/ch/server.log</log><errorlog>$work/ch/error.log</errorlog></logger>
  <http_port>$http</http_port>
  <tcp_port>$tcp</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$work/ch/data/</path>
  <tmp_path>$work/ch/tmp/</tmp_path>
  <user_files_path>$work/ch/user_files/</user_files_path>
  <format_schema_path>$work/ch/format_schemas/</format_schema_path>
  <users_config>/etc/clickhouse-server/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>536870912</mark_cache_size>
</yandex>
EOF
clickhouse-server --config-file="$work/ch/config.xml" >"$work/ch/stdout" 2>&1 &
server=$!
client=(clickhouse-client --port "$tcp")
for _ in $(seq 60); do
    "${client[@]}" -q "SELECT 1" >/dev/null 2>&1 && break
    sleep 0.5
done
"${client[@]}" -q "SELECT 1" >/dev/null 2>&1 || { echo "FAIL: clickhouse-server did not start"; tail "$work/ch/error.log"; exit 1; }

"$scriptgen" bench sessions 4 60 11 >"$work/s.smqp" && "$pcapgen" "$work/s.smqp" "$work/s.pcap" || exit 1
chmod 644 "$work/s.pcap"
"$top/tools/smqp-shard-decode" -k 1 -j 1 -o "$work/whole.tsv" "$work/s.pcap" || exit 1
"$top/tools/smqp-shard-decode" -k 2 -j 2 -o "$work/rows.tsv" "$work/s.pcap" || exit 1
rows=$(wc -l <"$work/rows.tsv")

start=$(date +%s.%N)
CLICKHOUSE_CLIENT="${client[*]}" "$top/tools/smqp-clickhouse-load" "$work/rows.tsv" || exit 1
end=$(date +%s.%N)
stored=$("${client[@]}" -q "SELECT count() FROM smqp_rows")
fail=0
if [[ $stored != "$rows" ]]; then
    echo "FAIL: $rows rows loaded, ClickHouse holds $stored"
    fail=1
else
    awk -v n="$rows" -v s="$start" -v e="$end" -v b="$(stat -c %s "$work/rows.tsv")" \
        'BEGIN { printf "ok: %d rows loaded in %.2f s (%.0f rows/s, %.1f MB/s, client start-up included)\n", n, e - s, n / (e - s), b / 1e6 / (e - s) }'
fi

# each query on its own, its result to q1 .. q3
python3 - "$top/tools/clickhouse/queries.sql" "$work" <<'EOF' || exit 1
import sys
text = open(sys.argv[1]).read()
queries = [q.strip() for q in text.split(";\n") if q.strip() and not all(
    line.startswith("--") for line in q.strip().splitlines())]
for i, q in enumerate(queries, 1):
    open("%s/q%d.sql" % (sys.argv[2], i), "w").write(q)
EOF
for i in 1 2 3; do
    "${client[@]}" --multiquery <"$work/q$i.sql" >"$work/q$i.out" || { echo "FAIL: query $i"; fail=1; }
done

python3 - "$work" <<'EOF' || fail=1
import sys
from collections import defaultdict
work = sys.argv[1]
COLS = ["time", "ip_src", "ipv6_src", "src_port", "ip_dst", "ipv6_dst", "dst_port", "from_server", "command",
        "resource", "topic", "change", "reply_status", "reply_command", "response_time", "cmuid", "smuid",
        "dslab_command", "dslab_routing_key", "dslab_reply_status"]
rows = []
for line in open(work + "/whole.tsv"):
    v = line.rstrip("\n").split("\t")
    rows.append(dict(zip(COLS, v + [""] * (len(COLS) - len(v)))))
single = lambda s: s != "" and "," not in s
fnum = lambda s: float(s) if s else 0.0
def conn(r, rev=False):
    a = (r["ip_src"] + r["ipv6_src"], r["src_port"])
    b = (r["ip_dst"] + r["ipv6_dst"], r["dst_port"])
    if rev:
        a, b = b, a
    return "%s:%s>%s:%s" % (a + b)

# 1. commands and failed replies per topic
replies = {}
for r in rows:
    if single(r["reply_status"]):
        k = (conn(r, True), round((float(r["time"]) - fnum(r["response_time"])) * 1e6))
        replies.setdefault(k, int(int(r["reply_status"]) >= 400))
q1 = defaultdict(lambda: [0, 0])
for r in rows:
    if single(r["command"]) and single(r["topic"]):
        k = (conn(r), round(float(r["time"]) * 1e6))
        q1[(r["topic"], r["command"])][0] += 1
        q1[(r["topic"], r["command"])][1] += replies.get(k, 0)
want1 = sorted("%s\t%s\t%d\t%d" % (t, c, n, f) for (t, c), (n, f) in q1.items())

# 2. response-time percentiles per command (ClickHouse's quantileExact:
#    the element at floor(level * n) of the sorted values)
times = defaultdict(list)
for r in rows:
    if single(r["response_time"]) and r["reply_command"]:
        times[r["reply_command"]].append(float(r["response_time"]))
def q(v, level):
    v = sorted(v)
    return v[min(int(level * len(v)), len(v) - 1)]
want2 = {c: (len(v), q(v, 0.5), q(v, 0.9), q(v, 0.99), max(v)) for c, v in times.items()}

# 3. PUBLISH -> NOTIFY delays per topic, joined by SMUID
published = {}
for r in rows:
    if r["reply_command"] == "PUBLISH MESSAGE" and single(r["smuid"]):
        published.setdefault(r["smuid"], float(r["time"]) - fnum(r["response_time"]))
delays = defaultdict(list)
for r in rows:
    if r["command"] == "NOTIFY" and single(r["smuid"]) and r["smuid"] in published:
        delays[r["topic"]].append(float(r["time"]) - published[r["smuid"]])

fail = 0
got1 = sorted(l.rstrip("\n") for l in open(work + "/q1.out") if l.strip())
if got1 != want1:
    print("FAIL: query 1 (commands and failures per topic) differs:", sorted(set(got1) ^ set(want1))[:5])
    fail = 1
else:
    print("ok: query 1: %d topic/command rows, %d commands, %d failed, as computed from the whole capture" %
          (len(got1), sum(n for n, _ in q1.values()), sum(f for _, f in q1.values())))
close = lambda a, b: abs(a - b) < 2e-6
got2 = {}
for l in open(work + "/q2.out"):
    v = l.rstrip("\n").split("\t")
    got2[v[0]] = (int(v[1]),) + tuple(float(x) for x in v[2:])
ok2 = set(got2) == set(want2) and all(
    got2[c][0] == want2[c][0] and all(close(a, b) for a, b in zip(got2[c][1:], want2[c][1:])) for c in want2)
if not ok2:
    print("FAIL: query 2 (response-time percentiles) differs:", got2, want2)
    fail = 1
else:
    print("ok: query 2: response-time count, p50, p90, p99 and max of %d commands as computed (PUBLISH MESSAGE: %s)" %
          (len(got2), got2.get("PUBLISH MESSAGE")))
got3 = {}
for l in open(work + "/q3.out"):
    v = l.rstrip("\n").split("\t")
    got3[v[0]] = (int(v[1]), float(v[2]), float(v[3]), float(v[4]))
want3 = {t: (len(d), min(d), sum(d) / len(d), max(d)) for t, d in delays.items()}
ok3 = set(got3) == set(want3) and all(
    got3[t][0] == want3[t][0] and all(close(a, b) for a, b in zip(got3[t][1:], want3[t][1:])) for t in want3)
if not ok3:
    print("FAIL: query 3 (delivery delays) differs")
    fail = 1
else:
    n = sum(v[0] for v in got3.values())
    print("ok: query 3: %d deliveries over %d topics joined across shards by SMUID, delays %.6f to %.6f s, as computed" %
          (n, len(got3), min(v[1] for v in got3.values()), max(v[3] for v in got3.values())))
sys.exit(fail)
EOF
exit $fail
