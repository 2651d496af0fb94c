# One image per Roomcast component, chosen by the SERVICE build argument:
#
#   docker build --build-arg SERVICE=room -t roomcast/room:0.1.0 .
#
# SERVICE is one of: user, room, session, event, aggregation, realtime, adapter, operator.
# The chart expects roomcast/<SERVICE>:<appVersion>. Machines without a Docker engine (CI here)
# cannot build it; charts/roomcast/README.md says so.

ARG NODE_IMAGE=node:20-slim

# Stage 1: install the workspace and bundle one component's entry point, with its workspace
# dependencies (which are TypeScript sources) and npm packages, into a single ES module.
FROM ${NODE_IMAGE} AS build
WORKDIR /src

COPY package.json package-lock.json .npmrc tsconfig.json ./
COPY proto/ proto/
COPY services/ services/
COPY operator/ operator/
COPY envoy/ envoy/
COPY cli/ cli/
COPY harness/ harness/
COPY e2e/ e2e/
RUN npm ci --no-audit --no-fund

ARG SERVICE
RUN case "$SERVICE" in \
      user|room|session|event|aggregation|realtime|adapter) entry="services/$SERVICE/src/main.ts" ;; \
      operator) entry="operator/src/main.ts" ;; \
      *) echo "set --build-arg SERVICE=<user|room|session|event|aggregation|realtime|adapter|operator>" >&2; \
         exit 1 ;; \
    esac \
 && npx esbuild "$entry" --bundle --platform=node --format=esm --target=node20 \
      --external:pg-native --sourcemap --outfile=/out/main.mjs \
      "--banner:js=import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"

# Stage 2: the runtime, only Node and the bundle. The uid matches the chart's securityContext
# (runAsUser 10001), and nothing is written outside /tmp, so the root filesystem can be read-only.
FROM ${NODE_IMAGE}
ARG SERVICE
ENV NODE_ENV=production
LABEL org.opencontainers.image.title="roomcast-${SERVICE}" \
      org.opencontainers.image.description="Roomcast ${SERVICE}"
WORKDIR /app
COPY --from=build /out/ /app/
USER 10001:10001
ENTRYPOINT ["node", "--enable-source-maps", "/app/main.mjs"]
