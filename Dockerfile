# The image: Node 24 LTS, the compiled daemon, production dependencies only.
# Drop-in for kube-eventer's image: `/kube-eventer` is the entry point and TZ defaults to Asia/Shanghai.
FROM node:24-bookworm-slim AS build
WORKDIR /app
# Dependencies first: a change under src/ reuses this layer.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends tzdata ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ARG GIT_COMMIT=unknown
# Two malloc arenas instead of one per thread (V8's GC helpers allocate in their own): 100,000 queued
# events peak about 4 MiB lower (docs/benchmarks.md).
ENV TZ=Asia/Shanghai NODE_ENV=production KUBE_EVENTER_COMMIT=$GIT_COMMIT MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY package.json ./
COPY bin ./bin
# kube-eventer's manifests run `/kube-eventer --source=…`; the heap flags keep RSS small (docs/pipeline.md;
# src/base/v8-settings.ts applies the same growth limits when they are dropped).
RUN printf '#!/bin/sh\nexec node --max-semi-space-size=1 --max-old-space-size=256 /app/bin/kube-eventer.js "$@"\n' > /kube-eventer \
 && chmod 755 /kube-eventer
# Numeric, so Kubernetes' runAsNonRoot can verify it (the base image's `node` user).
USER 1000:1000
EXPOSE 8084
ENTRYPOINT ["/kube-eventer"]
