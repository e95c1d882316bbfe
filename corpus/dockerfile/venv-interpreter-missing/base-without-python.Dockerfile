# A venv copied onto an image with no Python at all.
FROM python:3.11-slim AS build
RUN virtualenv /venv || (pip install virtualenv && virtualenv /venv)

FROM gcr.io/distroless/cc-debian12
# expect: DL708
COPY --from=build /venv /venv
ENTRYPOINT ["/venv/bin/python", "-m", "app"]
