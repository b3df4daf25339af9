#!/usr/bin/env bash
# `make run`: the whole system on this machine with the embedded SQLite default (var/):
# a local exporter, the scraper (config/targets.yml) and the web app. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
WEB_LISTEN=${WEB_LISTEN:-127.0.0.1:8080}
mkdir -p var
export HOSTWATCH_DATABASE_URL=${HOSTWATCH_DATABASE_URL:-sqlite:///var/hostwatch.db}

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

"$BIN/hostwatch-scraper" db upgrade
"$BIN/hostwatch-exporter" --listen 127.0.0.1:9110 & pids+=($!)
"$BIN/hostwatch-scraper" --config config/targets.yml --listen 127.0.0.1:9111 & pids+=($!)
"$BIN/hostwatch-web" --listen "$WEB_LISTEN" & pids+=($!)

echo
echo "hostwatch is running: http://$WEB_LISTEN/   (exporter :9110/metrics, scraper :9111/metrics)"
echo "Ctrl-C stops it."
wait -n "${pids[@]}"
