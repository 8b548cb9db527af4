#!/usr/bin/env bash
# The server setup (issue 16): several app processes behind HAProxy, sharing one PostgreSQL
# database, on this machine. One command installs what is missing and starts it all; Ctrl-C or
# SIGTERM stops it all (HAProxy, then the app processes, then the database if it started it).
#
#   bash scripts/serve.sh [options for each `streamlit run`]
#
#   KOPKARTA_PORT       where browsers connect: HAProxy's port (default 8501); app process N
#                       listens on 127.0.0.1 at KOPKARTA_PORT+N
#   KOPKARTA_PROCESSES  how many app processes (default 2)
#   KOPKARTA_BIND       HAProxy's address (default 127.0.0.1; 0.0.0.0 opens it to the network)
#   KOPKARTA_DB         a postgresql:// URL to use; otherwise a local cluster (scripts/pg.sh)
#   KOPKARTA_PG_PORT    the local cluster's port (default 5433, on 127.0.0.1)
#   KOPKARTA_PG_DIR     the local cluster's directory (default sessions/pg)
#   KOPKARTA_SERVE_DIR  logs, pid files and haproxy.cfg (default sessions/serve)
#   KOPKARTA_TLS_PEM    a PEM file with the certificate and its key: HAProxy speaks HTTPS on
#                       KOPKARTA_PORT and sends HSTS (default: plain HTTP, see the README)
#   KOPKARTA_TRUSTED_PROXY  the proxy whose X-Forwarded-For names the client, for the count of
#                       wrong keys per address (default 127.0.0.1: this HAProxy; uvicorn's
#                       FORWARDED_ALLOW_IPS, web/client.py)
#
# Why HAProxy with a cookie: Streamlit keeps a browser's session in one process's memory, so
# every request of a browser must reach the same process. A cookie (KOPKARTA_SRV) does that per
# browser; the client's address would send a whole room behind one office address to one
# process. When a process is down (failed health checks, or a refused connection), a browser
# carrying its cookie is sent to another one (redispatch) and starts a new session there, which
# the app's participant token in the link recognises. The processes share one cookie secret
# (sessions/cookie_secret, made once) so the XSRF cookies a browser got from one process are
# valid on the others. The websocket (/_stcore/stream) and the event stream (/_kopkarta/events,
# a ping every 15 s) are long-lived: the websocket gets `timeout tunnel 1h`, the event stream
# lives on its pings within the 60 s timeouts.
#
# Everything listens on 127.0.0.1 (HAProxy too, unless KOPKARTA_BIND says otherwise). Logs and
# the generated HAProxy configuration are in sessions/serve/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

say() { echo "serve.sh: $*"; }
die() { echo "serve.sh: $*" >&2; exit 1; }
bad() { echo "serve.sh: $*" >&2; exit 2; }
number() { [[ "$2" =~ ^[1-9][0-9]{0,4}$ ]] || bad "$1 must be a positive number, not '$2'"; }

port=${KOPKARTA_PORT:-8501}
processes=${KOPKARTA_PROCESSES:-2}
bind=${KOPKARTA_BIND:-127.0.0.1}
pg_port=${KOPKARTA_PG_PORT:-5433}
pg_dir=${KOPKARTA_PG_DIR:-sessions/pg}
db=${KOPKARTA_DB:-}
number KOPKARTA_PORT "$port"
number KOPKARTA_PROCESSES "$processes"
number KOPKARTA_PG_PORT "$pg_port"
[ "$processes" -le 32 ] || bad "KOPKARTA_PROCESSES is at most 32, not $processes"
{ [ "$port" -ge 1024 ] && [ $((port + processes)) -le 65535 ]; } ||
  bad "KOPKARTA_PORT must leave room for the app processes above it (1024..$((65535 - processes)))"
[[ "$bind" =~ ^[0-9A-Za-z.:*-]+$ ]] || bad "KOPKARTA_BIND must be an address, not '$bind'"
tls=${KOPKARTA_TLS_PEM:-}
trusted_proxy=${KOPKARTA_TRUSTED_PROXY:-127.0.0.1}
[[ "$trusted_proxy" =~ ^[0-9A-Fa-f.:/,]+$ ]] || bad "KOPKARTA_TRUSTED_PROXY must be addresses or networks (comma-separated), not '$trusted_proxy'"
if [ -n "$tls" ]; then
  [ -r "$tls" ] || bad "KOPKARTA_TLS_PEM names no readable file: '$tls'"
  tls=$(realpath "$tls")
  [[ "$tls" =~ ^[A-Za-z0-9_./@+=-]+$ ]] || bad "KOPKARTA_TLS_PEM must be a plain path (letters, digits, . / _ - + = @)"
fi

state=${KOPKARTA_SERVE_DIR:-sessions/serve}
mkdir -p "$state"
exec 9>"$state/lock"
flock -n 9 || die "another scripts/serve.sh runs with this directory ($root/$state/lock)"

# --- what is running, and how it stops --------------------------------------------------------
app_pids=()
haproxy_pid=""
pg_started=""

# Alive: its status can be read and says it is not a zombie. (Not "no Z in its status": a process
# reaped between two checks has no status to read, and a failed read then counted as alive.)
alive() { grep -qs '^State:[[:space:]]*[^Z[:space:]]' "/proc/$1/status"; }

# SIGTERM the processes, give them $1 seconds, then SIGKILL what is left; reap them all.
stop_pids() {
  local limit=$1 pid left
  shift
  kill -TERM "$@" 2>/dev/null || true
  local deadline=$((SECONDS + limit))
  while :; do
    left=""
    for pid; do alive "$pid" && left=1; done
    if [ -z "$left" ] || [ $SECONDS -ge $deadline ]; then break; fi
    sleep 0.2
  done
  for pid; do
    if alive "$pid"; then
      echo "serve.sh: process $pid did not stop within ${limit} s: killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  wait "$@" 2>/dev/null || true
}

stop_all() {
  trap '' INT TERM HUP  # a second Ctrl-C must not cut the stop short
  [ -n "$haproxy_pid$pg_started" ] || [ ${#app_pids[@]} -gt 0 ] || return 0
  if [ -n "$haproxy_pid" ]; then
    say "stopping HAProxy"
    stop_pids 5 "$haproxy_pid"
  fi
  if [ ${#app_pids[@]} -gt 0 ]; then
    say "stopping the app processes"
    stop_pids 20 "${app_pids[@]}"
  fi
  if [ -n "$pg_started" ]; then
    say "stopping PostgreSQL ($pg_dir)"
    scripts/pg.sh stop "$pg_dir" 9>&- || true
  fi
  say "stopped"
}
trap stop_all EXIT
trap 'exit 0' INT TERM HUP

# GET /_kopkarta/health at $1:$2 answers 200 (the app runs and its database answers)?
healthy() {
  (
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf 'GET /_kopkarta/health HTTP/1.0\r\nHost: %s\r\n\r\n' "$1" >&3
    IFS= read -r -t 5 status <&3 || exit 1
    [[ "$status" == "HTTP/1."?" 200"* ]]
  ) 2>/dev/null
}

in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

log_tail() {
  echo "serve.sh: the last lines of $1:" >&2
  tail -n 20 "$1" >&2 || true
}

# --- install -------------------------------------------------------------------------------
scripts/install_system.sh 9>&-
scripts/setup_env.sh requirements.txt 9>&-
haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)

for p in "$port" $(seq $((port + 1)) $((port + processes))); do
  ! in_use "$p" || die "port $p is in use (another scripts/serve.sh or scripts/start.sh?); see KOPKARTA_PORT"
done

# --- the database --------------------------------------------------------------------------
case "$db" in
  postgresql://* | postgres://*)
    say "database: the one KOPKARTA_DB names" ;;
  *)
    if [ -n "$db" ]; then
      say "KOPKARTA_DB is not a postgresql:// URL; several processes need PostgreSQL: using the local cluster"
    fi
    # As root the cluster runs as the postgres user, which may not reach a checkout under a
    # private home (/root): then the cluster lives beside Debian's own, unless KOPKARTA_PG_DIR says.
    if [ -z "${KOPKARTA_PG_DIR:-}" ] && [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$root/sessions"; then
      pg_dir=/var/lib/kopkarta/pg
      say "the postgres user cannot reach $root/sessions: the local cluster lives in $pg_dir"
    fi
    if ! scripts/pg.sh status "$pg_dir" 9>&-; then
      pg_started=1
    fi
    say "database: the local PostgreSQL cluster in $pg_dir on 127.0.0.1:$pg_port"
    db=$(scripts/pg.sh start "$pg_dir" "$pg_port" 9>&-) || die "could not start PostgreSQL (see above)"
    ;;
esac

# One cookie secret for every process (made once, kept for the next start).
secret_file=sessions/cookie_secret
if [ ! -s "$secret_file" ]; then
  (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$secret_file")
fi
secret=$(cat "$secret_file")

# --- the app processes ---------------------------------------------------------------------
for i in $(seq 1 "$processes"); do
  log=$state/app-$i.log
  if [ -f "$log" ]; then mv -f "$log" "$log.prev"; fi
  # setsid: a Ctrl-C in the terminal reaches this script alone, which stops everything in order
  # HAProxy connects from 127.0.0.1 and names the browser in X-Forwarded-For (option forwardfor)
  KOPKARTA_DB=$db STREAMLIT_SERVER_COOKIE_SECRET=$secret FORWARDED_ALLOW_IPS=$trusted_proxy setsid \
    .venv/bin/python -m streamlit run app.py --server.address 127.0.0.1 \
    --server.port $((port + i)) "$@" </dev/null >"$log" 2>&1 9>&- &
  app_pids+=($!)
  echo $! >"$state/app-$i.pid"
done
if [ "$processes" = 1 ]; then
  say "starting the app process on 127.0.0.1:$((port + 1)) (log in $state/)"
else
  say "starting $processes app processes on 127.0.0.1:$((port + 1))..$((port + processes)) (logs in $state/)"
fi

deadline=$((SECONDS + 120))
waiting=$(seq 1 "$processes")
while [ -n "$waiting" ]; do
  still=""
  for i in $waiting; do
    if ! alive "${app_pids[i - 1]}"; then
      echo "serve.sh: app process $i stopped while starting" >&2
      log_tail "$state/app-$i.log"
      exit 1
    fi
    healthy 127.0.0.1 $((port + i)) || still="$still $i"
  done
  waiting=$still
  [ -z "$waiting" ] && break
  if [ $SECONDS -ge $deadline ]; then
    for i in $waiting; do log_tail "$state/app-$i.log"; done
    die "app processes$waiting did not answer /_kopkarta/health within 120 s"
  fi
  sleep 1 &
  wait $! # in `wait`, a Ctrl-C or SIGTERM is handled at once
done

# --- HAProxy -------------------------------------------------------------------------------
# HAProxy needs two open files per connection (browser and app process) and cannot go past the
# hard limit of open files: at most 4000 connections, fewer where the limit is low (a browser
# holds about two: the websocket and the event stream).
fd_limit=$(ulimit -Hn)
[ "$fd_limit" != unlimited ] || fd_limit=1048576
maxconn=$(((fd_limit - 64) / 2))
if [ "$maxconn" -ge 4000 ]; then
  maxconn=4000
else
  say "note: HAProxy can hold $maxconn connections (open files limit $fd_limit); raise it (ulimit -n) for a large room"
fi
cfg=$state/haproxy.cfg
csp="default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'self' data: blob:; worker-src 'self' blob:; frame-src 'self' blob: data:; frame-ancestors 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
{
  echo "# Written by scripts/serve.sh at each start; edits here are lost."
  echo "global"
  echo "    maxconn $maxconn"
  echo "    log stderr format raw local0 info"
  if [ "$(id -u)" = 0 ] && id -u haproxy >/dev/null 2>&1; then
    echo "    user haproxy"
    echo "    group haproxy"
  fi
  cat <<EOF

defaults
    mode http
    log global
    option httplog
    option dontlog-normal            # only errors in $state/haproxy.log
    option forwardfor
    option redispatch 1              # a browser whose process is down goes to another one at once
    retries 2
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h                # the websocket, /_stcore/stream
    timeout http-request 10s
    timeout http-keep-alive 10s
    timeout queue 30s
    timeout check 5s

frontend kopkarta
    bind $bind:$port${tls:+ ssl crt $tls}
    default_backend apps
    # Security headers on every answer (issue 18). The policy is what the app needs and no more:
    # its own scripts and styles (Streamlit's bundle, the inline ones of the drawn maps, the live
    # parts' modules, which components v2 load as blob: URLs), its own
    # websocket and event stream, the images it makes (data: QR codes), nothing from anywhere
    # else: a workshop runs offline, so another origin would be a leak, not a feature. Frames
    # only of its own (the drawn networks are srcdoc frames); no other site may frame it.
    # Referrer-Policy: a participant's token is in the address, so it is never sent onwards.
    http-response set-header Content-Security-Policy "$csp"
    http-response set-header X-Frame-Options SAMEORIGIN
    http-response set-header X-Content-Type-Options nosniff
    http-response set-header Referrer-Policy no-referrer
    http-response set-header Cross-Origin-Opener-Policy same-origin
EOF
  if [ -n "$tls" ]; then
    echo '    http-response set-header Strict-Transport-Security "max-age=31536000"'
  fi
  cat <<EOF

backend apps
    balance roundrobin
    cookie KOPKARTA_SRV insert indirect nocache httponly
    # The event stream sends each change as a small chunk of a response that never ends. By
    # default HAProxy holds such data back (MSG_MORE) to send fuller packets: every change then
    # reached the screens about 200 ms late (measured: 215 ms through HAProxy, 8 ms straight to
    # the app process; bench/RESULTS.md). This sends each chunk at once.
    option http-no-delay
    option httpchk GET /_kopkarta/health   # 503 when the process's database does not answer (web/health.py)
    http-check expect status 200
    default-server check inter 2s fall 2 rise 1
EOF
  for i in $(seq 1 "$processes"); do
    echo "    server app$i 127.0.0.1:$((port + i)) cookie app$i"
  done
} >"$cfg"
check=$("$haproxy" -c -f "$cfg" 2>&1) || die "HAProxy refuses $cfg: $(grep -m1 ALERT <<<"$check" || echo "$check")"

setsid "$haproxy" -db -f "$cfg" </dev/null >"$state/haproxy.log" 2>&1 9>&- &
haproxy_pid=$!
case "$bind" in
  0.0.0.0 | "*" | :: | "[::]") probe=127.0.0.1 ;;
  *) probe=$bind ;;
esac
# behind TLS the plain-HTTP probe cannot speak to HAProxy: there it is enough that it accepts
# connections (the app processes behind it answered their health check already)
accepting() {
  if [ -n "$tls" ]; then
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
  else
    healthy "$1" "$2"
  fi
}
deadline=$((SECONDS + 15))
until accepting "$probe" "$port"; do
  if ! alive "$haproxy_pid"; then
    log_tail "$state/haproxy.log"
    die "HAProxy stopped while starting"
  fi
  [ $SECONDS -lt $deadline ] || die "HAProxy does not answer on $bind:$port"
  sleep 0.2 &
  wait $!
done

scheme=http${tls:+s}
case "$bind" in
  127.0.0.1 | localhost) where="$scheme://localhost:$port" ;;
  0.0.0.0 | "*" | :: | "[::]") where="$scheme://<this machine's address>:$port" ;;
  *) where="$scheme://$bind:$port" ;;
esac
say "Köpkarta runs ($processes app process$([ "$processes" = 1 ] || echo es) behind HAProxy): open $where (Ctrl-C stops it)"

# --- until a signal ------------------------------------------------------------------------
running=("${app_pids[@]}")
while :; do
  finished=""
  code=0
  wait -n -p finished "${running[@]}" "$haproxy_pid" || code=$?
  [ -n "$finished" ] || continue
  if [ "$finished" = "$haproxy_pid" ]; then
    haproxy_pid=""
    log_tail "$state/haproxy.log"
    die "HAProxy stopped (status $code)"
  fi
  left=()
  for pid in "${running[@]}"; do [ "$pid" = "$finished" ] || left+=("$pid"); done
  running=("${left[@]}")
  for i in $(seq 1 "$processes"); do
    if [ "${app_pids[i - 1]}" = "$finished" ]; then
      echo "serve.sh: app process $i (port $((port + i))) stopped (status $code); HAProxy sends its browsers to the others; see $state/app-$i.log" >&2
    fi
  done
  [ ${#running[@]} -gt 0 ] || die "every app process has stopped"
done
