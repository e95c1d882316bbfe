FROM python:3.13-slim AS build
RUN pip install --target /deps pydantic

FROM cgr.dev/chainguard/python:latest
# expect: DL707/error
COPY --from=build /venv /app/venv
ENV PATH=/app/venv/bin:/usr/bin
# Chainguard's Python does read this site-packages; only the version is wrong.
# expect: DL707/warning
COPY --from=build /deps /usr/lib/python3.14/site-packages
