#!/usr/bin/env bash
# Plays deploy/docker/Dockerfile without a Docker engine (deploy/docker/dry-run.mjs): the build context as
# .dockerignore leaves it, the build (npm ci, npm run build), the production install, then each target's CMD against
# this host's Redis and PostgreSQL (scripts/services.sh) and an Azurite of its own, until SIGTERM ends them.
# Leaves nothing behind. Takes about 1.5 to 2 minutes (two npm installs and a build): not part of `npm test`.
#   bash scripts/docker-dry-run.sh [--keep]    (--keep: keep the temporary directory with the stages and logs)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
exec node deploy/docker/dry-run.mjs "$@"
