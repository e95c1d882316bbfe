# --copies makes bin/python a copy of python:3.11-slim's binary, which
# still needs libpython3.11.so.1.0 and the standard library in /usr/local/lib.
FROM python:3.11-slim AS build
RUN python -m venv --copies /venv && /venv/bin/pip install -r requirements.txt

FROM gcr.io/distroless/python3-debian12
# expect: DL708
COPY --from=build /venv /venv
ENTRYPOINT ["/venv/bin/python", "-m", "app"]
