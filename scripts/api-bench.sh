#!/usr/bin/env bash
# API benchmark (`make bench` runs it): SigV4-signed AmazonSSM.GetCalendarState over HTTP
# against the release daemon, next to bare Hummingbird answering a fixed reply on the same
# machine (the ceiling). Target: at least 5,000 requests/s.
#
# Usage: scripts/api-bench.sh
# Environment (all optional):
#   API_BENCH_CONNECTIONS  keep-alive connections to try, best reported (default "2 3 4")
#   API_BENCH_DURATION     measured seconds per run (default 10)
#   API_BENCH_WARMUP       warm-up seconds per run, not counted (default 2)
#   API_BENCH_AUTH         sigv4 (default: stored credentials, every request verified) or none
#                          (`auth: none`: the same signed request, not verified; for comparison)
#   API_BENCH_SCRATCH      build directory (default .build-bench, apart from the main .build)
#
# Steps: release build of schedulerd, BareHummingbird and the load generator APIBenchmark;
# BareHummingbird measured and stopped; then `schedulerd serve` with a temporary
# configuration (127.0.0.1:0, temporary data directory, the example calendars), a readonly
# credential from `schedulerd credentials create`, one request signed with botocore's
# SigV4Auth and replayed on every connection (a signature is valid for 15 minutes, so
# replaying it is legitimate load; the daemon verifies it on every request). A tampered copy
# of the request must be refused before anything is measured. Any non-200 response fails
# the run loudly.
set -euo pipefail
cd "$(dirname "$0")/.."

connections_list="${API_BENCH_CONNECTIONS:-2 3 4}"
duration="${API_BENCH_DURATION:-10}"
warmup="${API_BENCH_WARMUP:-2}"
auth="${API_BENCH_AUTH:-sigv4}"
scratch="${API_BENCH_SCRATCH:-.build-bench}"
python="${PYTHON:-python3}"
target_rps=5000

case "$auth" in sigv4|none) ;; *) echo "api-bench: API_BENCH_AUTH must be sigv4 or none, not '$auth'" >&2; exit 64;; esac
if ! "$python" -c 'import botocore.auth' >/dev/null 2>&1; then
    echo "api-bench: $python cannot import botocore (pip install botocore)" >&2
    exit 1
fi

echo "api-bench: release build (scratch path $scratch)"
# One product per invocation: given several --product options, swift build builds only the last.
for product in schedulerd BareHummingbird APIBenchmark; do
    swift build -c release --scratch-path "$scratch" --product "$product"
done
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)"

work="$(mktemp -d "${TMPDIR:-/tmp}/schedulerd-api-bench.XXXXXX")"
server_pid=""
stop_server() {
    if [ -n "$server_pid" ]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
cleanup() { stop_server; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_server LOG COMMAND...: starts it in the background, sets server_pid and port from the
# `... listening on http://127.0.0.1:PORT` line it prints.
start_server() {
    local log="$1"; shift
    "$@" >"$log" 2>"$log.err" &
    server_pid=$!
    port=""
    for _ in $(seq 1 240); do
        port="$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$log" | head -n 1)"
        [ -n "$port" ] && return 0
        if ! kill -0 "$server_pid" 2>/dev/null; then
            echo "api-bench: $1 exited before listening:" >&2
            cat "$log" "$log.err" >&2
            server_pid=""
            exit 1
        fi
        sleep 0.25
    done
    echo "api-bench: $1 did not print its port within 60 s" >&2
    cat "$log" "$log.err" >&2
    exit 1
}

# sign HOSTPORT KEY SECRET FILE: the raw bytes of a SigV4-signed GetCalendarState request.
sign() {
    "$python" - "$@" <<'PY'
import sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

hostport, key, secret, path = sys.argv[1:5]
body = b'{"CalendarNames":["office-hours","nightly-stop"]}'
request = AWSRequest(method="POST", url=f"http://{hostport}/", data=body, headers={
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": "AmazonSSM.GetCalendarState",
})
SigV4Auth(Credentials(key, secret), "ssm", "us-east-1").add_auth(request)
lines = ["POST / HTTP/1.1", f"Host: {hostport}"]
lines += [f"{name}: {value}" for name, value in request.headers.items() if name.lower() != "host"]
lines += [f"Content-Length: {len(body)}"]
with open(path, "wb") as f:
    f.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
PY
}

# status_of FILE PORT: the HTTP status the server answers to the raw request in FILE.
status_of() {
    "$python" - "$@" <<'PY'
import socket, sys
data = open(sys.argv[1], "rb").read()
with socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=10) as s:
    s.sendall(data)
    reply = b""
    while b"\r\n" not in reply:
        chunk = s.recv(4096)
        if not chunk:
            break
        reply += chunk
print(reply.split(b" ")[1].decode() if reply.startswith(b"HTTP/") else "none")
PY
}

field() { echo "$1" | sed "s/.* $2=\([^ ]*\).*/\1/"; }

# CPU accounting around each run, so that a figure taken while something else was busy is seen
# as such: the server's CPU time per request does not depend on the load, the machine's share
# left to other processes says whether the requests/s can be trusted.
clk_tck="$(getconf CLK_TCK)"
cpu_ticks_of() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }                   # utime + stime
machine_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }   # user nice system irq softirq

# measure LABEL FILE: runs the load generator for each connection count; sets best_* from
# the run with the most requests/s. Any failed run stops the benchmark.
measure() {
    local label="$1" file="$2" c out result rps s0 s1 m0 m1 t0 t1 cpu
    best_rps=0; best_line=""; best_c=""; best_cpu=""
    for c in $connections_list; do
        s0="$(cpu_ticks_of "$server_pid")"; m0="$(machine_busy)"; t0="$(date +%s.%N)"
        if ! out="$("$bin/APIBenchmark" --request "$file" --port "$port" --connections "$c" \
                      --duration "$duration" --warmup "$warmup" --label "$label")"; then
            echo "$out"
            echo "api-bench: FAILED: $label with $c connections answered errors or non-200 responses (above)" >&2
            exit 1
        fi
        s1="$(cpu_ticks_of "$server_pid")"; m1="$(machine_busy)"; t1="$(date +%s.%N)"
        echo "$out" | grep -v '^RESULT '
        result="$(echo "$out" | grep '^RESULT ')"
        cpu="$(awk -v s="$((s1 - s0))" -v m="$((m1 - m0))" -v t0="$t0" -v t1="$t1" -v hz="$clk_tck" \
                   -v n="$(field "$result" all_responses)" -v g="$(field "$result" generator_cpu_s)" -v cores="$(nproc)" 'BEGIN {
            wall = t1 - t0; server = s / hz; other = m / hz - server - g; if (other < 0) other = 0
            printf "server %.2f cores, %.0f us CPU per request; load generator %.2f cores; other processes %.2f cores (of %d)",
                   server / wall, 1e6 * server / (n > 0 ? n : 1), g / wall, other / wall, cores
            if (other / wall > 0.15) printf "\n  !!! other processes were busy during this run: its requests/s is lower than on an idle machine"
        }')"
        echo "  CPU:        $cpu"
        rps="$(field "$result" rps)"
        if awk -v a="$rps" -v b="$best_rps" 'BEGIN { exit !(a > b) }'; then
            best_rps="$rps"; best_line="$result"; best_c="$c"; best_cpu="$(echo "$cpu" | head -n 1)"
        fi
    done
}

echo
echo "== BareHummingbird: a fixed reply (the ceiling) =="
start_server "$work/bare.log" "$bin/BareHummingbird" 0
sign "127.0.0.1:$port" AKIDEXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY "$work/bare-request.http"
measure bare "$work/bare-request.http"
bare_rps="$best_rps"; bare_line="$best_line"; bare_c="$best_c"; bare_cpu="$best_cpu"
stop_server

echo
echo "== schedulerd serve: AmazonSSM.GetCalendarState ($auth) =="
mkdir -p "$work/data" "$work/calendars"
cp config/calendars/*.ics "$work/calendars/"
{
    echo "listen: 127.0.0.1:0"
    echo "data_dir: $work/data"
    echo "calendars_dir: $work/calendars"
    # No `auth:` key: SigV4 against the credentials stored in the data directory.
    if [ "$auth" = none ]; then echo "auth: none"; fi
} >"$work/schedulerd.yaml"
if [ "$auth" = sigv4 ]; then
    if ! "$bin/schedulerd" credentials create --name bench --role readonly --data-dir "$work/data" >"$work/credentials" 2>&1; then
        cat "$work/credentials" >&2
        echo "api-bench: schedulerd credentials create failed (above)" >&2
        exit 1
    fi
    key="$(sed -n 's/^AWS_ACCESS_KEY_ID=//p' "$work/credentials")"
    secret="$(sed -n 's/^AWS_SECRET_ACCESS_KEY=//p' "$work/credentials")"
    if [ -z "$key" ] || [ -z "$secret" ]; then
        echo "api-bench: no AWS_ACCESS_KEY_ID=/AWS_SECRET_ACCESS_KEY= lines from schedulerd credentials create:" >&2
        cat "$work/credentials" >&2
        exit 1
    fi
else
    key=AKIDEXAMPLE; secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
fi
start_server "$work/schedulerd.log" "$bin/schedulerd" serve --config "$work/schedulerd.yaml"
daemon_pid="$server_pid"
sign "127.0.0.1:$port" "$key" "$secret" "$work/request.http"
# The signature must be what makes the request pass: a tampered copy is refused.
sed 's/\(Signature=[0-9a-f]*\)[0-9a-f]/\1x/' "$work/request.http" >"$work/tampered.http"
signed_status="$(status_of "$work/request.http" "$port")"
tampered_status="$(status_of "$work/tampered.http" "$port")"
echo "check: signed request -> $signed_status, tampered signature -> $tampered_status"
if [ "$signed_status" != 200 ]; then
    echo "api-bench: FAILED: the signed request is answered $signed_status, not 200" >&2
    cat "$work/schedulerd.log.err" >&2
    exit 1
fi
if [ "$auth" = sigv4 ] && [ "$tampered_status" = 200 ]; then
    echo "api-bench: FAILED: a request with a tampered signature is accepted: the daemon does not verify SigV4" >&2
    exit 1
fi
measure "GetCalendarState-$auth" "$work/request.http"
api_rps="$best_rps"; api_line="$best_line"; api_c="$best_c"; api_cpu="$best_cpu"
rss_kb="$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$daemon_pid/status")"
hwm_kb="$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$daemon_pid/status")"
anon_kb="$(sed -n 's/^RssAnon:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$daemon_pid/status")"
stop_server

echo
echo "== API benchmark summary ($(nproc) cores shared by the load generator and the server; best of connections: $connections_list) =="
awk -v bare="$bare_rps" -v api="$api_rps" -v target="$target_rps" -v auth="$auth" -v issue_bare=50000 \
    -v bc="$bare_c" -v ac="$api_c" -v bp50="$(field "$bare_line" p50_ms)" -v bp99="$(field "$bare_line" p99_ms)" \
    -v ap50="$(field "$api_line" p50_ms)" -v ap99="$(field "$api_line" p99_ms)" \
    -v rss="$rss_kb" -v hwm="$hwm_kb" -v anon="$anon_kb" 'BEGIN {
    printf "bare Hummingbird, fixed reply:          %8.0f requests/s  (p50 %s ms, p99 %s ms, %d connections)\n", bare, bp50, bp99, bc
    printf "GetCalendarState, %-5s:                %8.0f requests/s  (p50 %s ms, p99 %s ms, %d connections)\n", auth, api, ap50, ap99, ac
    printf "fraction of bare Hummingbird measured:  %8.1f %%\n", 100 * api / bare
    printf "fraction of the issue'"'"'s 50,000/s:         %8.1f %%\n", 100 * api / issue_bare
    printf "daemon resident memory after the runs:  %8.1f MB  (anonymous %.1f MB, peak %.1f MB)\n", rss / 1024, anon / 1024, hwm / 1024
}'
echo "CPU in the best runs: bare: $bare_cpu"
echo "                      GetCalendarState: $api_cpu"
awk -v api="$api_rps" -v target="$target_rps" -v auth="$auth" 'BEGIN {
    printf "GetCalendarState over HTTP (%s): %.0f requests/s (target >= %d) %s\n", auth, api, target, (api >= target ? "PASS" : "FAIL")
}'
