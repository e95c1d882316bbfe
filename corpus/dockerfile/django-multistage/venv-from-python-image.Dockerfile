# syntax=docker/dockerfile:1
# Everything that needs a shell happens in the build stage, but the venv is
# made by python:3.11-slim's /usr/local/bin/python, which the distroless
# image does not have: the versions match and /venv/bin/gunicorn still
# fails with "no such file or directory".
FROM python:3.11-slim AS build
RUN python -m venv /venv
ENV PATH=/venv/bin:$PATH
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN python manage.py collectstatic --noinput

FROM gcr.io/distroless/python3-debian12:nonroot
# expect: DL708
COPY --from=build /venv /venv
COPY --from=build /app /app
ENV PATH=/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=mysite.settings
WORKDIR /app
HEALTHCHECK --interval=30s CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/healthz')"]
EXPOSE 8000
ENTRYPOINT ["gunicorn", "mysite.wsgi", "--bind", "0.0.0.0:8000"]
CMD ["--workers", "3"]
