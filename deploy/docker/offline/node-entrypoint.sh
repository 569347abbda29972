#!/bin/sh
# As the official node image's docker-entrypoint.sh: run the command with node when the first argument is an option
# or not a command (`docker run partita-test/node:22 -e '…'`, `… script.js`).
set -e
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
