FROM python:3.13-slim AS build
RUN python -m venv /opt/app-env && /opt/app-env/bin/pip install gunicorn flask

FROM gcr.io/distroless/python3-debian13
COPY --from=build /opt/app-env /opt/app-env
COPY app.py /app/
ENTRYPOINT ["/opt/app-env/bin/python", "-m", "gunicorn", "--chdir", "/app", "app:app"]
