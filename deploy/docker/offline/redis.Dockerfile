# partita-test/redis:7: Debian bookworm's redis-server (7.0) standing in for redis:7.x, built by
# deploy/docker/offline-base.sh. As the official image: redis-server and redis-cli on PATH, data in /data (the working
# directory, a volume), runs as user redis, protected mode off (redis-entrypoint.sh), `redis-server` by default.
ARG BASE_IMAGE=partita-test/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server redis-tools \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data \
 && chown redis:redis /data
COPY redis-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /data
WORKDIR /data
ENTRYPOINT ["docker-entrypoint.sh"]
EXPOSE 6379
CMD ["redis-server"]
