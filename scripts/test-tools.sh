#!/usr/bin/env bash
# Installs the programs the tests drive, from the distribution's packages, when they are missing (needs root or
# sudo): Prometheus (the dashboard is checked against a real one), Chromium (the job page is checked in a real
# browser) and Python 3 with pandas and scikit-learn (programs and the Python helper are run for real).
# Idempotent: does nothing when they are there. Prints one line per tool.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
have prometheus || missing+=(prometheus)
have chromium || missing+=(chromium)
have chromedriver || missing+=(chromium-driver)
# The distribution's own python3, whatever else is first on PATH: programs name /usr/bin/python3.
[ -x /usr/bin/python3 ] || missing+=(python3)
/usr/bin/python3 -c 'import pandas' 2>/dev/null || missing+=(python3-pandas)
/usr/bin/python3 -c 'import numpy, sklearn' 2>/dev/null || missing+=(python3-numpy python3-sklearn)
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >/dev/null
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "prometheus: $(prometheus --version 2>&1 | head -1)"
echo "chromium: $(chromium --version 2>/dev/null | head -1)"
echo "python3: $(/usr/bin/python3 -c 'import sys, pandas, sklearn; print(sys.version.split()[0], "pandas", pandas.__version__, "scikit-learn", sklearn.__version__)')"
