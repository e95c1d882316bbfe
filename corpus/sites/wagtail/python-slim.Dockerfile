# The site as it runs today, before the migration: built and run on the
# official Python image. Checked with --base for each target base, this is
# the pre-migration check.
FROM python:3.13-slim AS build
RUN pip install wagtail==7.0.10 && wagtail start mysite
WORKDIR /mysite
RUN pip install -r requirements.txt -t .
RUN python manage.py migrate

FROM python:3.13-slim
COPY --from=build /mysite /mysite
WORKDIR /mysite
ENTRYPOINT ["python", "manage.py", "runserver", "0.0.0.0:8000"]
