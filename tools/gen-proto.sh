#!/usr/bin/env bash
# Regenerates everything derived from proto/api: the TypeScript messages and gRPC stubs in
# proto/src/gen and the descriptor set Envoy's gRPC-JSON transcoder reads. CI runs it and fails
# when the committed output differs.
set -euo pipefail
cd "$(dirname "$0")/.."

third_party=proto/third_party
googleapis=node_modules/google-proto-files/google
rm -rf "$third_party" proto/src/gen
mkdir -p "$third_party/google/api" "$third_party/google/rpc"
cp "$googleapis/api/annotations.proto" "$googleapis/api/http.proto" "$third_party/google/api/"
cp "$googleapis/rpc/status.proto" "$googleapis/rpc/error_details.proto" "$third_party/google/rpc/"

npx buf lint
npx buf generate --path proto/api/roomcast --path "$third_party/google/rpc"
npx buf build --path proto/api/roomcast --path "$third_party/google/rpc" -o proto/roomcast.binpb
npx prettier --log-level warn --write proto/src/gen
echo "generated proto/src/gen and proto/roomcast.binpb"
