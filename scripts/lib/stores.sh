# Shared by scripts/run and scripts/test: installs PostgreSQL and Redis from the system's packages
# where they are missing, and starts them on loopback in a data folder that the project owns.
# shellcheck shell=bash

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

postgres_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

# apt-get only when something is missing, so a prepared machine starts without network. Arguments name
# further packages whose command has the package's name (the test command's chromium).
ensure_packages() {
  local missing=() extra
  postgres_bin >/dev/null || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  for extra in "$@"; do
    command -v "$extra" >/dev/null || missing+=("$extra")
  done
  # A headless browser still needs a font to draw text in screenshots.
  [[ " ${missing[*]} " == *" chromium "* ]] && missing+=(fonts-liberation)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} from the system's packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # policy-rc.d stops the packages from starting their own system-wide services: the project runs its own.
  as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  as_root rm -f /usr/sbin/policy-rc.d
}

# PostgreSQL refuses to run as root; as root its tools run as the postgres system user.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A folder the postgres user can reach: the repository's .data when it can, else one under /var/tmp.
data_dir() {
  local dir="${SOCIAL_DATA_DIR:-$(repo_root)/.data}"
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$dir"; then
    dir="/var/tmp/social-data-$(echo "$(repo_root)" | md5sum | cut -c1-8)"
    mkdir -p "$dir"
  fi
  echo "$dir"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Three instances of 22 connections each (README, "Connection budget"), plus room for psql and migrations.
POSTGRES_MAX_CONNECTIONS=100

# start_postgres DIR PORT: initializes DIR/postgres once, then starts it (or finds it running). Sets postgres_started
# to true only when this call started the server: one found running belongs to whoever started it (another run from
# the same checkout), so the caller may use it but must leave stopping it to its owner.
start_postgres() {
  local dir="$1/postgres" port="$2" bin
  postgres_started=false
  bin=$(postgres_bin)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    log "initializing PostgreSQL in $dir"
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_postgres "$bin/pg_ctl" status -D "$dir/data" >/dev/null 2>&1; then
    log "PostgreSQL already running in $dir"
    return 0
  fi
  port_free "$port" || { echo "Port $port is in use by another program; set SOCIAL_PG_PORT to another port." >&2; return 1; }
  log "starting PostgreSQL on 127.0.0.1:$port"
  as_postgres "$bin/pg_ctl" start -w -t 60 -D "$dir/data" -l "$dir/server.log" \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=$POSTGRES_MAX_CONNECTIONS" >/dev/null
  # Set before anything else can fail, so that the caller's cleanup stops the server it now owns.
  postgres_started=true
  as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='social'" | grep -q 1 ||
    as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres social
}

stop_postgres() {
  local dir="$1/postgres"
  as_postgres "$(postgres_bin)/pg_ctl" stop -w -m fast -D "$dir/data" >/dev/null 2>&1 || true
}

# start_redis DIR PORT: starts Redis (or finds it running). Sets redis_started to true only when this call started
# the server, as start_postgres does.
start_redis() {
  local dir="$1/redis" port="$2"
  redis_started=false
  mkdir -p "$dir"
  if redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
    log "Redis already running on 127.0.0.1:$port"
    return 0
  fi
  port_free "$port" || { echo "Port $port is in use by another program; set SOCIAL_REDIS_PORT to another port." >&2; return 1; }
  log "starting Redis on 127.0.0.1:$port"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
  redis_started=true
  for _ in $(seq 1 100); do
    redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "Redis did not start; see $dir/redis.log" >&2
  return 1
}

stop_redis() {
  redis-cli -h 127.0.0.1 -p "$2" shutdown nosave >/dev/null 2>&1 || true
}

# The development signing key for access tokens: generated once, kept in the data folder, never committed.
dev_signing_key() {
  local file="$1/jwt-signing-key"
  [ -s "$file" ] || { head -c 48 /dev/urandom | base64 -w0 > "$file"; chmod 600 "$file"; }
  cat "$file"
}
