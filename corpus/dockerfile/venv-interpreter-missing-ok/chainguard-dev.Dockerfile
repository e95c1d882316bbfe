# Chainguard's latest-dev has the same /usr/bin/python3.14 as latest.
FROM cgr.dev/chainguard/python:latest-dev AS build
RUN python -m venv --copies /venv && /venv/bin/pip install flask

FROM cgr.dev/chainguard/python:latest
COPY --from=build /venv /venv
ENTRYPOINT ["/venv/bin/flask", "--app", "/app/app.py", "run"]
