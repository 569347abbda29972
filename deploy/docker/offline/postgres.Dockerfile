# partita-test/postgres:15: Debian bookworm's PostgreSQL 15 standing in for postgres:<major>, built by
# deploy/docker/offline-base.sh. What docker-compose.yml relies on, as the official image: POSTGRES_USER,
# POSTGRES_PASSWORD and POSTGRES_DB on first start, every *.sql (*.sql.gz, *.sh) in /docker-entrypoint-initdb.d run
# once, the data in /var/lib/postgresql/data, listening on every address with password (scram-sha-256) authentication
# for other hosts, pg_isready on PATH, `postgres` by default (postgres-entrypoint.sh).
ARG BASE_IMAGE=partita-test/debian:bookworm
FROM ${BASE_IMAGE}
ENV PG_MAJOR=15
# No cluster of postgresql-common's own (/var/lib/postgresql/15/main): the entrypoint makes one in PGDATA.
# listen_addresses='*' in the sample initdb copies, as the official image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-common \
 && sed -ri 's/#(create_main_cluster) .*$/\1 = false/' /etc/postgresql-common/createcluster.conf \
 && apt-get install -y --no-install-recommends "postgresql-${PG_MAJOR}" \
 && rm -rf /var/lib/apt/lists/* \
 && sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "/usr/share/postgresql/${PG_MAJOR}/postgresql.conf.sample" \
 && grep -F "listen_addresses = '*'" "/usr/share/postgresql/${PG_MAJOR}/postgresql.conf.sample" \
 && mkdir -p /var/run/postgresql /var/lib/postgresql/data /docker-entrypoint-initdb.d \
 && chown -R postgres:postgres /var/run/postgresql /var/lib/postgresql \
 && chmod 3777 /var/run/postgresql \
 && chmod 700 /var/lib/postgresql/data
ENV PATH=/usr/lib/postgresql/${PG_MAJOR}/bin:$PATH PGDATA=/var/lib/postgresql/data LANG=C.UTF-8
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["docker-entrypoint.sh"]
# Smart shutdown would wait for every client; SIGINT is the fast one, as the official image.
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
