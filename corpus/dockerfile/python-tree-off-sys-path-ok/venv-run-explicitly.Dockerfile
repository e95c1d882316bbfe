FROM debian:13-slim AS build
RUN apt-get update && apt-get install -y python3-venv && python3 -m venv /opt/app-env && /opt/app-env/bin/pip install gunicorn flask

FROM gcr.io/distroless/python3-debian13
COPY --from=build /opt/app-env /opt/app-env
COPY app.py /app/
ENTRYPOINT ["/opt/app-env/bin/python", "-m", "gunicorn", "--chdir", "/app", "app:app"]
