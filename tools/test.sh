#!/usr/bin/env bash
# The test command: works on a fresh clone. Installs what is missing (npm packages, the real
# PostgreSQL, NATS, Redis and Envoy, the Kubernetes test control plane), then runs every suite:
# typecheck, lint, unit, integration and end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund
bash tools/install-servers.sh
[ ! -f tools/install-k8s.sh ] || bash tools/install-k8s.sh
npm test
