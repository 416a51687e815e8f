# Sourced by start-local.sh and stop-local.sh.
#
# es_alive <pid> [<home>]: true while <pid> is a live process (with <home>: an Elasticsearch of
# that home). A node that was killed leaves its pid file behind, and its pid may linger as a zombie
# (an init that reaps late, as in some containers: `kill -0` still succeeds on it) or be reused by
# another program. A zombie's command line is empty; another program's does not name this home.
es_alive() {
    local pid="$1" home="${2:-}" cmdline
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    cmdline="$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
    [[ -n "$cmdline" ]] || return 1
    [[ -z "$home" ]] || grep -qxF -- "-Des.path.home=$home" <<<"$cmdline"
}
