#!/usr/bin/env bash
# `make run`: the whole system on this machine with the embedded SQLite default (var/):
# a local exporter, the scraper (config/targets.yml) and the web app. Ctrl-C stops all three.
# EXPORTER_LISTEN, SCRAPER_LISTEN, WEB_LISTEN and TARGETS change where they listen and what the
# scraper reads (config/targets.yml scrapes the exporter at 127.0.0.1:9110).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
EXPORTER_LISTEN=${EXPORTER_LISTEN:-127.0.0.1:9110}
SCRAPER_LISTEN=${SCRAPER_LISTEN:-127.0.0.1:9111}
WEB_LISTEN=${WEB_LISTEN:-127.0.0.1:8080}
TARGETS=${TARGETS:-config/targets.yml}
mkdir -p var
export HOSTWATCH_DATABASE_URL=${HOSTWATCH_DATABASE_URL:-sqlite:///var/hostwatch.db}

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

# Until `url` answers (any HTTP status), at most 60 s; fails at once if a program has exited.
answers() {
    local url=$1 pid
    for _ in $(seq 120); do
        "$BIN/python" -c 'import sys, urllib.request as u
try:
    u.urlopen(sys.argv[1], timeout=1)
except u.HTTPError:
    pass' "$url" 2>/dev/null && return 0
        for pid in "${pids[@]}"; do
            kill -0 "$pid" 2>/dev/null || { echo "stopped: a program exited (above)" >&2; return 1; }
        done
        sleep 0.5
    done
    echo "stopped: nothing answered at $url within 60 s" >&2
    return 1
}

"$BIN/hostwatch-scraper" db upgrade
"$BIN/hostwatch-exporter" --listen "$EXPORTER_LISTEN" & pids+=($!)
"$BIN/hostwatch-scraper" --config "$TARGETS" --listen "$SCRAPER_LISTEN" & pids+=($!)
"$BIN/hostwatch-web" --listen "$WEB_LISTEN" & pids+=($!)

answers "http://$EXPORTER_LISTEN/metrics"
answers "http://$SCRAPER_LISTEN/metrics"
answers "http://$WEB_LISTEN/health"
echo
echo "hostwatch is running: http://$WEB_LISTEN/   (exporter $EXPORTER_LISTEN/metrics, scraper $SCRAPER_LISTEN/metrics)"
echo "Ctrl-C stops it."
wait -n "${pids[@]}"
