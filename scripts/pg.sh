#!/usr/bin/env bash
# A project-local PostgreSQL cluster: the database of the server setup (scripts/serve.sh, in
# sessions/pg) and of the tests that run on PostgreSQL (tests/pg_support.py, in a temp dir).
#
#   scripts/pg.sh start DIR PORT [--fast]  make the cluster in DIR if it has none, start it (if it
#                                          is not running) and print its URL, one line:
#                                          postgresql://kopkarta:PASSWORD@127.0.0.1:PORT/kopkarta
#   scripts/pg.sh stop DIR                 stop it (fast shutdown); nothing if it is not running
#   scripts/pg.sh url DIR PORT             print its URL
#   scripts/pg.sh status DIR               exit 0 if it runs, 3 if not
#
# Why the project runs its own cluster rather than the system's: it needs no service manager and
# no administrator's setup, the app's database is beside its other data, and each test run can
# have a throwaway one. DIR holds data/ (PGDATA), log (the server's log), the server's Unix socket
# and kopkarta.password (mode 0600, made once from /dev/urandom; outside PGDATA so a copy of the
# data carries no secret in clear). The server listens on 127.0.0.1 only; the role kopkarta (LOGIN,
# CREATEDB so tests can make databases) logs in over TCP with scram-sha-256, the superuser only
# through the socket in DIR (peer). --fast (tests only) turns fsync, synchronous_commit and
# full_page_writes off: a crash may lose the cluster, which a test's throwaway cluster can afford.
#
# initdb and pg_ctl refuse to run as root: as root they run as the `postgres` system user
# (runuser) and DIR is given to it, so that user must be able to reach DIR. Binaries: the newest
# /usr/lib/postgresql/*/bin (Debian; scripts/install_system.sh installs it), else $KOPKARTA_PG_BIN,
# else pg_ctl on PATH. Errors: one line on stderr, exit 1 (2 for bad usage).
set -euo pipefail

die() { echo "pg.sh: $*" >&2; exit 1; }
usage() {
  echo "pg.sh: usage: scripts/pg.sh start DIR PORT [--fast] | stop DIR | url DIR PORT | status DIR" >&2
  exit 2
}

cmd=${1:-}
case "$cmd" in
  start) [ $# -eq 3 ] || { [ $# -eq 4 ] && [ "$4" = --fast ]; } || usage ;;
  stop | status) [ $# -eq 2 ] || usage ;;
  url) [ $# -eq 3 ] || usage ;;
  *) usage ;;
esac
[ -n "$2" ] || usage
dir=$(realpath -m -- "$2")
cd /  # the postgres user may not be allowed into the caller's directory
port=""
if [ "$cmd" = start ] || [ "$cmd" = url ]; then
  port=$3
  if ! [[ "$port" =~ ^[1-9][0-9]{0,4}$ ]] || [ "$port" -lt 1024 ] || [ "$port" -gt 65535 ]; then
    echo "pg.sh: PORT must be a number from 1024 to 65535, not '$port'" >&2
    exit 2
  fi
fi
fast=""
[ "${4:-}" = --fast ] && fast=1
data=$dir/data
pwfile=$dir/kopkarta.password

bin=${KOPKARTA_PG_BIN:-}
if [ -z "$bin" ]; then
  bin=$( (ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true) | sort -V | tail -n 1)
fi
if [ -z "$bin" ] && command -v pg_ctl >/dev/null; then
  bin=$(dirname "$(command -v pg_ctl)")
fi
{ [ -n "$bin" ] && [ -x "$bin/pg_ctl" ]; } || die "PostgreSQL is not installed (scripts/install_system.sh installs it)"

if [ "$(id -u)" = 0 ]; then
  id -u postgres >/dev/null 2>&1 || die "as root, initdb and pg_ctl run as the 'postgres' user, and there is none"
  superuser=postgres
  as_pg() { runuser -u postgres -- "$@"; }
else
  superuser=$(id -un)
  as_pg() { "$@"; }
fi

running() { [ -f "$data/PG_VERSION" ] && as_pg "$bin/pg_ctl" status -D "$data" >/dev/null 2>&1; }

print_url() {
  [ -s "$pwfile" ] || die "$pwfile is missing: start the cluster with scripts/pg.sh start"
  printf 'postgresql://kopkarta:%s@127.0.0.1:%s/kopkarta\n' "$(cat "$pwfile")" "$1"
}

# The first directory on the way to $1 that the user running the server cannot enter, if any.
unreachable() {
  local path="" part
  local -a parts
  IFS=/ read -ra parts <<<"${1#/}"
  for part in "${parts[@]}"; do
    path=$path/$part
    as_pg test -x "$path" || { echo "$path"; return; }
  done
}

# What went wrong, in one line, from what the server logged since byte $1 of its log.
log_reason() {
  local since
  since=$(tail -c +"$(($1 + 1))" "$dir/log" 2>/dev/null || true)
  if grep -q 'Address already in use' <<<"$since"; then
    echo "port $port is in use"
    return
  fi
  since=$(grep -E 'FATAL|PANIC|ERROR' <<<"$since" | tail -n 1 || true)
  echo "${since:-see $dir/log}"
}

make_cluster() {
  if [ -e "$data" ]; then
    die "$data exists but holds no cluster; remove it or choose another DIR"
  fi
  local entry
  for entry in "$dir"/* "$dir"/.[!.]*; do
    [ -e "$entry" ] || continue
    case "${entry##*/}" in
      .lock | log | initdb.log | kopkarta.password) ;;
      *) die "$dir holds other files and no cluster; give pg.sh a directory of its own" ;;
    esac
  done
  if [ "$(id -u)" = 0 ]; then
    local blocked
    blocked=$(unreachable "$(dirname "$dir")")
    [ -z "$blocked" ] || die "the postgres user (which runs the server when pg.sh runs as root) cannot enter $blocked; choose a DIR it can reach"
    chown postgres: "$dir"
  fi
  chmod 700 "$dir"
  local locale=C
  case $'\n'"$(locale -a 2>/dev/null || true)"$'\n' in
    *$'\n'C.utf8$'\n'* | *$'\n'C.UTF-8$'\n'*) locale=C.UTF-8 ;;
  esac
  as_pg "$bin/initdb" -D "$data" -E UTF8 --locale="$locale" -U "$superuser" \
    --auth-local=peer --auth-host=scram-sha-256 ${fast:+--no-sync} \
    >"$dir/initdb.log" 2>&1 9>&- || die "initdb failed; see $dir/initdb.log"
  echo "include_if_exists = 'kopkarta.conf'  # written by scripts/pg.sh at each start" |
    as_pg tee -a "$data/postgresql.conf" >/dev/null
}

configure() {
  as_pg tee "$data/kopkarta.conf" >/dev/null <<EOF
# Written by scripts/pg.sh at each start; edits here are lost.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
password_encryption = 'scram-sha-256'
${fast:+fsync = off
synchronous_commit = off
full_page_writes = off}
EOF
  as_pg tee "$data/pg_hba.conf" >/dev/null <<EOF
# Written by scripts/pg.sh at each start; edits here are lost.
# TYPE  DATABASE  USER          ADDRESS       METHOD
local   all       $superuser                  peer
host    all       kopkarta      127.0.0.1/32  scram-sha-256
EOF
}

# The role kopkarta with the password in $pwfile (made now if there is none), and its database.
ensure_role() {
  if [ ! -s "$pwfile" ]; then
    (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$pwfile")
  fi
  local password err
  password=$(cat "$pwfile")
  [[ "$password" =~ ^[0-9a-f]{16,}$ ]] || die "$pwfile does not hold a password pg.sh made (hex); remove it to make a new one"
  err=$(as_pg "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$1" -U "$superuser" -d postgres 2>&1 >/dev/null 9>&- <<SQL
SELECT 'CREATE ROLE kopkarta' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kopkarta') \gexec
ALTER ROLE kopkarta LOGIN CREATEDB PASSWORD '$password';
SELECT 'CREATE DATABASE kopkarta OWNER kopkarta' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'kopkarta') \gexec
SQL
  ) || die "could not create the role kopkarta: $(echo "$err" | head -n 1)"
}

start() {
  local socket=$dir/.s.PGSQL.$port
  [ ${#socket} -le 107 ] || die "DIR is too long for the server's Unix socket ($socket); choose a shorter one"
  mkdir -p -- "$dir" || die "cannot make $dir"
  exec 9>>"$dir/.lock"
  flock 9  # one start at a time per cluster
  if running; then
    local was
    was=$(sed -n 4p "$data/postmaster.pid" 2>/dev/null || true)
    [ "$was" = "$port" ] || die "the cluster in $dir already runs on port ${was:-?}, not $port"
    [ -s "$pwfile" ] || ensure_role "$port"
    print_url "$port"
    return
  fi
  [ -f "$data/PG_VERSION" ] || make_cluster
  configure
  local logged
  logged=$(stat -c %s "$dir/log" 2>/dev/null || echo 0)
  as_pg "$bin/pg_ctl" -D "$data" -l "$dir/log" -w -t 60 start >/dev/null 2>&1 9>&- ||
    die "PostgreSQL did not start on 127.0.0.1:$port: $(log_reason "$logged")"
  ensure_role "$port"
  print_url "$port"
}

stop() {
  running || return 0
  local logged
  logged=$(stat -c %s "$dir/log" 2>/dev/null || echo 0)
  as_pg "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 9>&- ||
    die "PostgreSQL in $dir did not stop: $(log_reason "$logged")"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  url) print_url "$port" ;;
  status) running || exit 3 ;;
esac
