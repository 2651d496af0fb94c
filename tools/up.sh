#!/usr/bin/env bash
# The local stack: works on a fresh clone. Installs what is missing, then runs `roomcast up`,
# which starts real PostgreSQL, NATS, Redis and Envoy and the seven services. Ctrl-C stops all.
# Arguments go to `roomcast up` (for example --demo).
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund
# node itself (not npx) so that SIGINT and SIGTERM sent to this PID reach the launcher.
exec node --import tsx cli/src/main.ts up "$@"
