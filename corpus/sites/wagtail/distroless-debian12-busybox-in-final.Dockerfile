# The control of distroless-debian12.Dockerfile: the same busybox copy, now
# in the final stage on :latest, which has no busybox; that RUN fails there.
FROM python:3.11-slim AS deps
RUN pip install wagtail==7.0.10 && wagtail start mysite
WORKDIR /mysite
RUN pip install -r requirements.txt -t .

FROM gcr.io/distroless/python3-debian12:latest
RUN ["/busybox/cp", "/busybox/sh", "/bin/sh"]
COPY --from=deps /mysite /mysite
WORKDIR /mysite
ENTRYPOINT ["python", "manage.py", "runserver", "0.0.0.0:8000"]
