#!/usr/bin/env bash
# Makes sure the local Redis and PostgreSQL that Partita's demo and tests use are running.
# Idempotent: does nothing when both answer; starts them when stopped; installs them from the
# distribution's packages when missing (needs root or sudo). Prints one line per service.
# Azurite (Blob Storage) is not started here: the demo and the tests start their own on a free port.
set -euo pipefail

REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"

have() { command -v "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >/dev/null
  as_root apt-get install -y -qq "$@" >/dev/null
}

redis_up() { have redis-cli && redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }
pg_up() { have pg_isready && pg_isready -h "$PGHOST" -p "$PGPORT" -q; }

# --- Redis: no persistence, loopback only ---
if ! redis_up; then
  have redis-server || apt_install redis-server redis-tools
  as_root mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/partita.log
  for _ in $(seq 1 50); do redis_up && break; sleep 0.1; done
fi
redis_up && echo "redis: up on $REDIS_HOST:$REDIS_PORT" || { echo "redis: FAILED to start" >&2; exit 1; }

# --- PostgreSQL: local trust authentication, databases test and root ---
if ! pg_up; then
  have pg_ctlcluster || apt_install postgresql
  ver="$(ls /etc/postgresql | sort -V | tail -1)"
  hba="/etc/postgresql/$ver/main/pg_hba.conf"
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust' "$hba"
  fi
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  for _ in $(seq 1 100); do pg_up && break; sleep 0.1; done
  if pg_up; then
    for role in root postgres; do
      psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -tAc "select 1 from pg_roles where rolname='$role'" | grep -q 1 \
        || psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -qc "create role $role superuser login"
    done
    for db in test root; do
      psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -tAc "select 1 from pg_database where datname='$db'" | grep -q 1 \
        || psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -qc "create database $db owner root"
    done
  fi
fi
pg_up && echo "postgres: up on $PGHOST:$PGPORT" || { echo "postgres: FAILED to start" >&2; exit 1; }
