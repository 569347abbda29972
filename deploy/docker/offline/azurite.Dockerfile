# partita-test/azurite:<version>: Azurite from the npm registry on partita-test/node:22, standing in for
# mcr.microsoft.com/azure-storage/azurite, built by deploy/docker/offline-base.sh. As that image: azurite,
# azurite-blob, azurite-queue and azurite-table on PATH, node present, data in /data, all three services by default.
# npm reaches the registry as partita-test/node:22 is configured to (the host's registry and CA certificates).
ARG NODE_IMAGE=partita-test/node:22
FROM ${NODE_IMAGE}
ARG AZURITE_VERSION=3.35.0
RUN npm install -g "azurite@${AZURITE_VERSION}" \
 && npm cache clean --force \
 && azurite-blob --help >/dev/null
WORKDIR /opt/azurite
VOLUME /data
EXPOSE 10000 10001 10002
CMD ["azurite", "-l", "/data", "--blobHost", "0.0.0.0", "--queueHost", "0.0.0.0", "--tableHost", "0.0.0.0"]
