#!/usr/bin/env bash
# Differential test of schedulerd's instance expansion against
# recurring-ical-events (RIE), over the calendars shipped in RIE's wheel.
#
# Usage: scripts/differential.sh [SCHEDULERD_BINARY] [extra rie_differential.py options]
#   SCHEDULERD_BINARY defaults to .build/debug/schedulerd.
#
# Installs recurring-ical-events and icalendar with pip when they cannot be
# imported. If that is impossible (no network, no pip), prints
# `SKIP: recurring-ical-events cannot be installed: <reason>` and exits 0.
# The versions are pinned because RIE's behaviour (and so the expectations
# file) depends on them; override with RIE_PIP_SPEC="pkg==x pkg==y".
set -u

cd "$(dirname "$0")/.."

binary="${1:-.build/debug/schedulerd}"
if [ $# -gt 0 ]; then shift; fi

python="${PYTHON:-python3}"
pip_spec="${RIE_PIP_SPEC:-recurring-ical-events==3.8.2 icalendar==7.3.2}"
import_check='import recurring_ical_events, icalendar'

if ! command -v "$python" >/dev/null 2>&1; then
    echo "SKIP: recurring-ical-events cannot be installed: $python not found"
    exit 0
fi

if ! "$python" -c "$import_check" >/dev/null 2>&1; then
    echo "recurring-ical-events is missing; installing $pip_spec with pip" >&2
    log="$(mktemp)"
    # shellcheck disable=SC2086 # pip_spec is a list of requirement specifiers
    if ! "$python" -m pip install --quiet --disable-pip-version-check $pip_spec >"$log" 2>&1; then
        if grep -q "externally-managed-environment" "$log"; then
            # A distribution Python refuses global installs: use a project venv.
            venv=".venv"
            if { [ -x "$venv/bin/python" ] || "$python" -m venv "$venv" >>"$log" 2>&1; } &&
                "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $pip_spec >>"$log" 2>&1; then
                python="$venv/bin/python"
            fi
        fi
    fi
    if ! reason="$("$python" -c "$import_check" 2>&1)"; then
        pip_reason="$(grep -v '^\s*$' "$log" | tail -n 1)"
        rm -f "$log"
        echo "SKIP: recurring-ical-events cannot be installed: ${pip_reason:-${reason##*$'\n'}}"
        exit 0
    fi
    rm -f "$log"
fi

"$python" - <<'EOF' >&2
from importlib.metadata import version
print(f"oracle: recurring-ical-events {version('recurring-ical-events')}, icalendar {version('icalendar')}")
EOF

exec "$python" scripts/rie_differential.py --schedulerd "$binary" "$@"
