# The site moved onto distroless python3-debian12 (Python 3.11). pip runs
# on the official image of the same Python; the database is migrated by the
# image's own interpreter in a stage on the :debug tag, whose busybox has no
# /bin/sh until one is copied there for RUN's shell form.
FROM python:3.11-slim AS deps
RUN pip install wagtail==7.0.10 && wagtail start mysite
WORKDIR /mysite
RUN pip install -r requirements.txt -t .

FROM gcr.io/distroless/python3-debian12:debug AS build
RUN ["/busybox/cp", "/busybox/sh", "/bin/sh"]
COPY --from=deps /mysite /mysite
WORKDIR /mysite
RUN python manage.py migrate

FROM gcr.io/distroless/python3-debian12:latest
COPY --from=build /mysite /mysite
WORKDIR /mysite
ENTRYPOINT ["python", "manage.py", "runserver", "0.0.0.0:8000"]
