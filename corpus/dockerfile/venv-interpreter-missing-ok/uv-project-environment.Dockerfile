# Debian's own Python in the build stage, at /usr/bin/python3.13 as in
# python3-debian13: the virtualenv `uv sync` makes at UV_PROJECT_ENVIRONMENT
# links to an interpreter the base has.
FROM debian:13-slim AS build
RUN apt-get update && \
    apt-get install --no-install-recommends --yes python3 python3-venv && \
    python3 -m pip --version || true
COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/
ENV UV_PROJECT_ENVIRONMENT=/venv
WORKDIR /build
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --python /usr/bin/python3

FROM gcr.io/distroless/python3-debian13
COPY --from=build /venv /venv
ENTRYPOINT ["/venv/bin/python3", "-m", "app"]
