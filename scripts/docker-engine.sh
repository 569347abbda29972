#!/usr/bin/env bash
# Makes sure a Docker engine answers (`docker info`) and that docker-compose is there, for building and running
# deploy/docker/Dockerfile and docker-compose.yml on a machine without systemd (a VM or a container run as root).
# Idempotent: does nothing when the engine answers; otherwise installs Debian's docker.io and docker-compose (v1,
# 1.29) when missing (needs root or sudo), starts dockerd in the background, logging to $DOCKERD_LOG, and waits for
# it. Prints one line per tool. Images come from elsewhere: deploy/docker/offline-base.sh builds local stand-ins
# for the registry images without any registry.
#   bash scripts/docker-engine.sh
# Settings (environment): DOCKERD_LOG (default /var/log/partita-dockerd.log), DOCKER_STORAGE_DRIVER (default: the
# first of overlay2, fuse-overlayfs, vfs that can work here), DOCKERD_EXTRA_ARGS (appended to dockerd's arguments).
#
# What it takes to run dockerd on a Debian bookworm host without systemd (a VM or a container, as root):
# - No init system: the packages' systemd units and init script do not start anything, so dockerd is started by
#   hand (setsid, detached from this shell); it starts its own containerd (/var/run/docker/containerd).
# - Storage: overlay2 works on an ext4 root (the kernel has `overlay`; d_type supported). fuse-overlayfs is the
#   fallback where overlay cannot be mounted (e.g. the data root on overlayfs itself, rootless), vfs the last resort
#   (works everywhere, but copies every layer: slow and big). The choice is passed explicitly so that a fallback is
#   visible in `docker info`.
# - Networking: the default bridge with iptables NAT works, with iptables-nft (Debian's default alternative). Where
#   nf_tables is refused but the legacy tables work, this script switches the alternative to iptables-legacy; where
#   neither works, dockerd runs with --iptables=false --bridge=none and only `--network host` builds and containers
#   can reach anything (docker-compose's service DNS then does not work: not enough for docker-compose.yml).
# - MTU: an uplink may have an MTU below Docker's bridge default of 1500 (1400 on some VMs). Path MTU discovery
#   copes, but dockerd gets --mtu set to the uplink's MTU when below 1500: containers never send what it drops.
# - HTTPS from containers, where the host's egress goes through a TLS-intercepting proxy whose CA is only in its
#   trust store (/usr/local/share/ca-certificates): containers do not see that CA; deploy/docker/offline-base.sh copies
#   it into the local base images (node's NODE_EXTRA_CA_CERTS), nothing to do for the engine.
# - The docker client may be newer than Debian's engine (20.10, API 1.41): it negotiates the API version down. Without
#   the buildx plugin (not packaged in bookworm), `docker build` uses the classic builder and says it is deprecated;
#   the Dockerfile uses no BuildKit-only syntax, and docker-compose v1 builds with the classic builder anyway.
set -euo pipefail

DOCKERD_LOG="${DOCKERD_LOG:-/var/log/partita-dockerd.log}"

have() { command -v "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  [ -n "$apt_updated" ] || { as_root apt-get update -qq >/dev/null; apt_updated=1; }
  as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

docker_up() { have docker && docker info >/dev/null 2>&1; }
server_version() { docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'; }

# --- docker-compose (v1, Python): wanted whether or not the engine already runs ---
have docker-compose || apt_install docker-compose

if ! docker_up; then
  # docker.io brings dockerd, containerd, runc, iptables and docker-init (tini); its client is used when no other is.
  have dockerd || apt_install docker.io
  if pgrep -x dockerd >/dev/null 2>&1; then
    # Started by someone else and not answering yet (still starting, or stuck): wait for it rather than start another.
    echo "docker: dockerd already running (pid $(pgrep -x dockerd | head -1)), waiting for it" >&2
  else
    args=()

    # Storage driver.
    driver="${DOCKER_STORAGE_DRIVER:-}"
    if [ -z "$driver" ]; then
      as_root modprobe overlay 2>/dev/null || true
      if grep -qw overlay /proc/filesystems; then
        driver=overlay2
      elif have fuse-overlayfs && [ -e /dev/fuse ]; then
        driver=fuse-overlayfs
      else
        driver=vfs
      fi
    fi
    args+=(--storage-driver "$driver")

    # Bridge networking needs working iptables (NAT table).
    if as_root iptables -t nat -L -n >/dev/null 2>&1; then
      :
    elif have iptables-legacy && as_root iptables-legacy -t nat -L -n >/dev/null 2>&1; then
      as_root update-alternatives --set iptables /usr/sbin/iptables-legacy >/dev/null
      as_root update-alternatives --set ip6tables /usr/sbin/ip6tables-legacy >/dev/null 2>&1 || true
      echo "docker: iptables-nft unusable here, switched to iptables-legacy" >&2
    else
      args+=(--iptables=false --ip-masq=false --bridge=none)
      echo "docker: no usable iptables: bridge networking off, use --network host for builds and containers" >&2
    fi

    # MTU of the uplink (the default route's interface) when below Docker's 1500.
    uplink="$(ip -o route show default 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit }}')"
    mtu="$( [ -n "$uplink" ] && cat "/sys/class/net/$uplink/mtu" 2>/dev/null || echo 1500)"
    if [ "$mtu" -lt 1500 ]; then args+=(--mtu "$mtu"); fi

    # shellcheck disable=SC2206 # word splitting of the extra arguments is intended
    args+=(${DOCKERD_EXTRA_ARGS:-})
    as_root mkdir -p "$(dirname "$DOCKERD_LOG")"
    echo "--- $(date -u +%FT%TZ) dockerd ${args[*]}" | as_root tee -a "$DOCKERD_LOG" >/dev/null
    # Not through as_root: a shell function run in the background would leave a subshell waiting for dockerd.
    if [ "$(id -u)" = 0 ]; then
      setsid dockerd "${args[@]}" </dev/null >>"$DOCKERD_LOG" 2>&1 &
    else
      sudo sh -c 'log="$1"; shift; exec setsid dockerd "$@" </dev/null >>"$log" 2>&1' sh "$DOCKERD_LOG" "${args[@]}" &
    fi
  fi
  for _ in $(seq 1 120); do docker_up && break; sleep 0.5; done
fi

if docker_up; then
  echo "docker: up (Docker $(server_version), storage $(docker info --format '{{.Driver}}' 2>/dev/null))"
else
  echo "docker: FAILED to start, see $DOCKERD_LOG:" >&2
  tail -n 20 "$DOCKERD_LOG" >&2 || true
  exit 1
fi
echo "docker-compose: $(docker-compose version --short 2>/dev/null || echo missing)"
