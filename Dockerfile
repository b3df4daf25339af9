# syntax=docker/dockerfile:1
# One image for the three programs: hostwatch-exporter, hostwatch-scraper, hostwatch-web.
#   docker build -t hostwatch .
#   docker run --rm hostwatch hostwatch-scraper --help
# docker-compose.yml runs the whole system from it; docs/operations.md explains the setup.

# Build stage: the hostwatch wheel and the wheels of everything the `server` extra needs.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY cli cli
COPY exporter exporter
COPY model model
COPY promql promql
COPY scraper scraper
COPY storage storage
COPY web web
RUN pip wheel --no-cache-dir --wheel-dir /wheels '.[server]'

# Final stage: those wheels installed, no compiler, no pip cache, no source tree.
FROM python:3.11-slim
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links /wheels 'hostwatch[server]'
RUN useradd --system --uid 10001 --user-group --home-dir /srv/hostwatch --shell /usr/sbin/nologin hostwatch
# The working directory holds what the programs' defaults name: config/targets.yml and var/
# (the SQLite default, sqlite:///var/hostwatch.db). docker-compose.yml mounts config/ over it.
WORKDIR /srv/hostwatch
COPY config config
RUN mkdir var && chown hostwatch:hostwatch var
USER hostwatch
# 9110: exporter /metrics; 9111: scraper's own /metrics; 8080: web app.
EXPOSE 9110 9111 8080
CMD ["hostwatch-exporter"]
