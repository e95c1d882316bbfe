# uv picks the stage's Python, python:3.14-slim's /usr/local/bin/python3.14;
# Chainguard's is /usr/bin/python3.14.
FROM python:3.14-slim AS build
RUN pip install uv && uv venv /venv && uv pip install --python /venv/bin/python flask

FROM cgr.dev/chainguard/python:latest
# expect: DL708
COPY --from=build /venv /venv
ENTRYPOINT ["/venv/bin/flask", "--app", "/app/app.py", "run"]
