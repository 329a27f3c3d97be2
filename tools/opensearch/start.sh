#!/usr/bin/env bash
# Start a single real OpenSearch node (2.19, from Maven Central jars) on 127.0.0.1 in the
# background and wait until it is healthy. Used by developers and by CI; see README.md.
#
# Environment:
#   OPENSEARCH_PORT           HTTP port (default 9200)
#   OPENSEARCH_DATA_DIR       pid, log and node home (default /tmp/tezki-opensearch)
#   OPENSEARCH_JAVA_OPTS      JVM options (default: 512 MiB heap)
#   OPENSEARCH_START_TIMEOUT  seconds to wait for green/yellow health (default 120)
#   OPENSEARCH_FRESH=1        delete the node's data before starting
#   OPENSEARCH_MVN_ARGS       extra Maven arguments, e.g. -Dmaven.repo.local=/path
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
port="${OPENSEARCH_PORT:-9200}"
data_dir="${OPENSEARCH_DATA_DIR:-/tmp/tezki-opensearch}"
java_opts="${OPENSEARCH_JAVA_OPTS:--Xms512m -Xmx512m}"
timeout="${OPENSEARCH_START_TIMEOUT:-120}"
pid_file="$data_dir/opensearch.pid"
log_file="$data_dir/opensearch.log"
health_url="http://127.0.0.1:$port/_cluster/health"
classpath_file="$here/target/classpath.txt"
main_class_file="$here/target/classes/tezki/OpenSearchNode.class"

say() { echo "opensearch: $*" >&2; }

healthy() {
    curl -s -m 2 "$health_url" 2>/dev/null | grep -Eq '"status":"(green|yellow)"'
}

running_pid() {
    # Prints the pid from the pid file if that process is still our node.
    [[ -f "$pid_file" ]] || return 1
    local pid
    pid="$(cat "$pid_file")"
    [[ -n "$pid" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q tezki.OpenSearchNode \
        && echo "$pid"
}

build_needed() {
    [[ -f "$classpath_file" && -f "$main_class_file" ]] || return 0
    [[ -n "$(find "$here/pom.xml" "$here/src" -newer "$classpath_file" -type f -print -quit)" ]] \
        && return 0
    # The local Maven repository may have been cleared since the last build.
    local jar
    while IFS= read -r -d: jar; do
        [[ -f "$jar" ]] || return 0
    done < <(tr -d '\n' <"$classpath_file"; echo -n :)
    return 1
}

build() {
    local mvn_args=(-B -q -Dstyle.color=never -f "$here/pom.xml")
    # shellcheck disable=SC2206
    [[ -n "${OPENSEARCH_MVN_ARGS:-}" ]] && mvn_args+=(${OPENSEARCH_MVN_ARGS})
    local offline_log
    offline_log="$(mktemp)"
    say "building (offline first) ..."
    if mvn "${mvn_args[@]}" -o compile >"$offline_log" 2>&1; then
        rm -f "$offline_log"
        return
    fi
    rm -f "$offline_log"
    say "offline build failed; building online (downloads from Maven Central) ..."
    mvn "${mvn_args[@]}" compile
}

mkdir -p "$data_dir"

if pid="$(running_pid)"; then
    if healthy; then
        say "already running (pid $pid) on http://127.0.0.1:$port"
        exit 0
    fi
    say "pid $pid is starting; waiting for it"
else
    rm -f "$pid_file"
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        say "port $port on 127.0.0.1 is already in use by another process"
        exit 1
    fi
    if build_needed; then
        build
    fi
    if [[ "${OPENSEARCH_FRESH:-0}" == 1 ]]; then
        rm -rf "$data_dir/home"
    fi
    # shellcheck disable=SC2086
    nohup java $java_opts \
        -Dfile.encoding=UTF-8 -Djava.awt.headless=true -Djava.locale.providers=SPI,COMPAT \
        -Dlog4j2.disable.jmx=true \
        -cp "$here/target/classes:$(cat "$classpath_file")" \
        tezki.OpenSearchNode "$data_dir/home" "$port" >"$log_file" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$pid_file"
    say "started pid $pid, log $log_file"
fi

started=$SECONDS
until healthy; do
    if ! kill -0 "$pid" 2>/dev/null; then
        say "the node exited during start-up; last lines of $log_file:"
        tail -n 60 "$log_file" >&2 || true
        rm -f "$pid_file"
        exit 1
    fi
    if ((SECONDS - started >= timeout)); then
        say "not healthy after ${timeout}s; last lines of $log_file:"
        tail -n 60 "$log_file" >&2 || true
        kill "$pid" 2>/dev/null || true
        rm -f "$pid_file"
        exit 1
    fi
    sleep 1
done
say "ready on http://127.0.0.1:$port after $((SECONDS - started))s (pid $pid)"
