#!/bin/sh
# What the official redis image's entrypoint does that docker-compose.yml relies on: `redis-server` runs as user redis
# (owning the working directory), and other containers can connect without a password. The official image compiles
# protected mode off; Debian's build has it on, which refuses clients from other hosts when no password is set, so
# --protected-mode no is added unless the command sets it.
set -e
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi
if [ "$1" = redis-server ]; then
  case " $* " in
    *' --protected-mode '*) ;;
    *) set -- "$@" --protected-mode no ;;
  esac
  if [ "$(id -u)" = 0 ]; then
    find . \! -user redis -exec chown redis '{}' +
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
  fi
fi
exec "$@"
