#!/usr/bin/env bash
# End-to-end tests: the real `schedulerd serve` driven by the real `aws` CLI and boto3, every
# request signed with keys made by `schedulerd credentials create`: calendars, rules and events
# (Tests/e2e/test_aws_clients.py), the EC2 and RDS simulators (Tests/e2e/test_resources.py); the
# helpers both use are in Tests/e2e/e2e_support.py.
#
# Usage: scripts/e2e.sh [SCHEDULERD_BINARY] [unittest options, e.g. -v or -k boto3] [test modules or names]
#   SCHEDULERD_BINARY defaults to .build/debug/schedulerd, built when missing.
# Needs python3 with boto3 and the `aws` executable (awscli); .ci/run installs them.
# E2E_KEEP=1 keeps every test's temporary directory (a failed test's is always kept).
set -euo pipefail

cd "$(dirname "$0")/.."

binary="${1:-.build/debug/schedulerd}"
if [ $# -gt 0 ]; then shift; fi
python="${PYTHON:-python3}"

if [ ! -x "$binary" ]; then
    if [ "$binary" = ".build/debug/schedulerd" ]; then
        echo "e2e: $binary is missing; building it" >&2
        "${SWIFT:-swift}" build --product schedulerd
    else
        echo "e2e: no executable at $binary" >&2
        exit 2
    fi
fi

missing=()
"$python" -c 'import boto3, botocore' >/dev/null 2>&1 || missing+=("boto3 (for $python)")
command -v "${AWS_CLI:-aws}" >/dev/null 2>&1 || missing+=("the aws executable")
if [ ${#missing[@]} -gt 0 ]; then
    echo "e2e: missing ${missing[*]}: install with '$python -m pip install awscli boto3' (.ci/run does)" >&2
    exit 1
fi

echo "e2e: $("${AWS_CLI:-aws}" --version 2>&1 | head -n 1); boto3 $("$python" -c 'import boto3; print(boto3.__version__)')" >&2
export SCHEDULERD_BIN="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
# Every module unless tests are named (anything not an option, or an option's value after -k).
tests=(test_aws_clients test_resources)
previous=""
for argument in "$@"; do
    if [[ "$argument" != -* && "$previous" != "-k" ]]; then tests=(); break; fi
    previous="$argument"
done
cd Tests/e2e
exec "$python" -m unittest "$@" "${tests[@]}"
