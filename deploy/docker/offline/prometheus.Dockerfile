# partita-test/prometheus: Debian bookworm's prometheus (2.42) standing in for prom/prometheus, built by
# deploy/docker/offline-base.sh. As that image: /bin/prometheus the entrypoint, the config in
# /etc/prometheus/prometheus.yml, the TSDB in /prometheus (a volume owned by nobody, the user it runs as), port 9090;
# plus wget, which the compose healthcheck runs (busybox's in prom/prometheus).
ARG BASE_IMAGE=partita-test/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends prometheus wget \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /prometheus \
 && chown nobody:nogroup /prometheus
USER nobody
WORKDIR /prometheus
VOLUME /prometheus
EXPOSE 9090
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
