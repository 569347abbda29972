#!/usr/bin/env bash
# `npm run test:containers`: the real images and compose stack in a container engine (test/containers).
# Starts the engine when it is not running (scripts/docker-engine.sh), builds the offline base images the compose
# override names (deploy/docker/offline-base.sh), then runs the container tests. Needs `npm ci` done, root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/docker-engine.sh
bash deploy/docker/offline-base.sh
exec npx vitest run --config vitest.containers.config.ts "$@"
