#!/usr/bin/env bash
# A streaming read replica of the local PostgreSQL (127.0.0.1:5432) on 127.0.0.1:5433, for the
# read-replica tests (DATABASE_REPLICA_URL): the Debian cluster "<version>/replica", cloned from the
# primary with `pg_basebackup -R -X stream`. Idempotent: a replica that already streams is left
# alone; a stopped one is started; one that cannot catch up, belongs to another primary or is not a
# standby is rebuilt. A replay paused by an interrupted test is resumed. Says what it did.
set -euo pipefail

VERSION="${PG_VERSION:-$(ls /etc/postgresql | sort -V | tail -n 1)}"
PRIMARY_PORT="${OPENGPS_PRIMARY_PORT:-5432}"
REPLICA_PORT="${OPENGPS_REPLICA_PORT:-5433}"
CLUSTER=replica
BIN="/usr/lib/postgresql/$VERSION/bin"
DATA="/var/lib/postgresql/$VERSION/$CLUSTER"
PRIMARY_HBA="/etc/postgresql/$VERSION/main/pg_hba.conf"

say() { echo "replica: $*"; }
as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; elif [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres -- "$@"; fi
}
sql() {  # sql PORT QUERY -> the first column of the answer, or nothing when the server does not answer
  psql -h 127.0.0.1 -p "$1" -U postgres -d postgres -XAtqc "$2" 2>/dev/null || true
}
streaming() { [ "$(sql "$REPLICA_PORT" "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'")" = 1 ]; }
wait_streaming() {
  for _ in $(seq 1 "${1:-30}"); do streaming && return 0; sleep 1; done
  return 1
}

pg_isready -h 127.0.0.1 -p "$PRIMARY_PORT" -q || { say "the primary on $PRIMARY_PORT does not answer"; exit 1; }
level="$(sql "$PRIMARY_PORT" 'SHOW wal_level')"
if [ "$level" != replica ] && [ "$level" != logical ]; then
  say "the primary has wal_level=$level; set it to replica and restart it"; exit 1
fi

# The primary takes replication connections from 127.0.0.1 (trust, as the rest of this local setup).
if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$PRIMARY_HBA"; then
  echo "host    replication     all             127.0.0.1/32            trust  # scripts/ci/replica.sh" >>"$PRIMARY_HBA"
  sql "$PRIMARY_PORT" 'SELECT pg_reload_conf()' >/dev/null
  say "allowed replication from 127.0.0.1 in $PRIMARY_HBA (configuration reloaded)"
fi

primary_id="$(sql "$PRIMARY_PORT" 'SELECT system_identifier FROM pg_control_system()')"

build() {
  if pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c {found=1} END {exit !found}'; then
    pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" stop -m fast >/dev/null 2>&1 || true
    pg_dropcluster "$VERSION" "$CLUSTER"
  fi
  pg_createcluster -p "$REPLICA_PORT" "$VERSION" "$CLUSTER" >/dev/null
  cp "$PRIMARY_HBA" "/etc/postgresql/$VERSION/$CLUSTER/pg_hba.conf"  # the same clients as the primary
  # Long public reads are not cancelled by the primary's vacuum (the standby reports what it reads).
  echo "hot_standby_feedback = on" >"/etc/postgresql/$VERSION/$CLUSTER/conf.d/opengps-replica.conf"
  find "$DATA" -mindepth 1 -delete  # pg_basebackup wants it empty (the directory stays, as made)
  as_postgres "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DATA" -R -X stream -c fast
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start
  sql "$PRIMARY_PORT" CHECKPOINT >/dev/null  # logs the snapshot the standby waits for before it serves reads
  wait_streaming 60 || { say "the new replica does not stream; see /var/log/postgresql/postgresql-$VERSION-$CLUSTER.log"; exit 1; }
  say "built $VERSION/$CLUSTER with pg_basebackup from $PRIMARY_PORT; streaming on $REPLICA_PORT"
}

if [ ! -f "$DATA/standby.signal" ]; then
  say "no standby in $DATA"; build
elif [ "$(as_postgres "$BIN/pg_controldata" "$DATA" | awk -F': *' '/Database system identifier/ {print $2}')" != "$primary_id" ]; then
  say "$DATA is a copy of another primary"; build
else
  if ! pg_isready -h 127.0.0.1 -p "$REPLICA_PORT" -q; then
    pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start
    say "started $VERSION/$CLUSTER on $REPLICA_PORT"
  fi
  if [ "$(sql "$REPLICA_PORT" 'SELECT pg_is_wal_replay_paused()')" = t ]; then
    sql "$REPLICA_PORT" 'SELECT pg_wal_replay_resume()' >/dev/null
    say "resumed the paused WAL replay"
  fi
  if wait_streaming 30; then
    say "streaming from $PRIMARY_PORT on $REPLICA_PORT"
  else
    say "not streaming (WAL gone from the primary?)"; build
  fi
fi
