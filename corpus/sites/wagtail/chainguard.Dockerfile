# The site moved onto Chainguard's python image (Python 3.14); the -dev
# variant of the same image has a shell and pip for the build stage.
FROM cgr.dev/chainguard/python:latest-dev AS build
WORKDIR /
RUN pip install wagtail==7.0.10 && wagtail start mysite
WORKDIR /mysite
RUN pip install -r requirements.txt -t .
RUN python manage.py migrate

FROM cgr.dev/chainguard/python:latest
COPY --from=build /mysite /mysite
WORKDIR /mysite
ENTRYPOINT ["python", "manage.py", "runserver", "0.0.0.0:8000"]
