# `uv sync` makes the project's virtualenv where UV_PROJECT_ENVIRONMENT
# says, with the stage's Python: python:3.13-slim's /usr/local/bin/python3.13.
FROM python:3.13-slim AS build
COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/
ENV UV_PROJECT_ENVIRONMENT=/opt/venv
WORKDIR /build
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev

FROM gcr.io/distroless/python3-debian13
# expect: DL708
COPY --from=build /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
ENTRYPOINT ["gunicorn", "app:app"]
