FROM debian:trixie-slim AS build
RUN apt-get update && apt-get install -y python3-venv && python3 -m venv /opt/app-env && /opt/app-env/bin/pip install gunicorn flask

FROM gcr.io/distroless/python3-debian13
# The image's own python3 runs, not the virtualenv's.
# expect: DL706
COPY --from=build /opt/app-env /opt/app-env
COPY app.py /app/
CMD ["-m", "gunicorn", "--chdir", "/app", "app:app"]
