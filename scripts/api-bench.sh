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

. scripts/bench-common.sh
release_build api-bench schedulerd BareHummingbird APIBenchmark

work="$(mktemp -d "${TMPDIR:-/tmp}/schedulerd-api-bench.XXXXXX")"
cleanup() { stop_server; rm -rf "$work"; }
trap cleanup EXIT

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
