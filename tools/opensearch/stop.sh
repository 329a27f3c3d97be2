#!/usr/bin/env bash
# Stop the node started by start.sh (same OPENSEARCH_DATA_DIR).
set -euo pipefail

data_dir="${OPENSEARCH_DATA_DIR:-/tmp/tezki-opensearch}"
pid_file="$data_dir/opensearch.pid"

if [[ ! -f "$pid_file" ]]; then
    echo "opensearch: not running (no $pid_file)" >&2
    exit 0
fi
pid="$(cat "$pid_file")"
# Only signal the process if it is still our node: the pid may have been reused.
if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q tezki.OpenSearchNode; then
    echo "opensearch: pid $pid is not running" >&2
    rm -f "$pid_file"
    exit 0
fi
kill -TERM "$pid"
for _ in $(seq 1 30); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
done
if kill -0 "$pid" 2>/dev/null; then
    echo "opensearch: pid $pid did not stop in 30s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$pid_file"
echo "opensearch: stopped pid $pid" >&2
