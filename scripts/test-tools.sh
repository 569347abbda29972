#!/usr/bin/env bash
# Installs the programs the tests drive, from the distribution's packages, when they are missing (needs root or
# sudo): Prometheus (the dashboard is checked against a real one) and Chromium (the job page is checked in a real
# browser). Idempotent: does nothing when they are there. Prints one line per tool.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
have prometheus || missing+=(prometheus)
have chromium || missing+=(chromium)
have chromedriver || missing+=(chromium-driver)
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >/dev/null
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "prometheus: $(prometheus --version 2>&1 | head -1)"
echo "chromium: $(chromium --version 2>/dev/null | head -1)"
