# As chainguard.Dockerfile, with the zone data Django's USE_TZ needs
# installed beside the requirements: Chainguard's python has no
# /usr/share/zoneinfo.
FROM cgr.dev/chainguard/python:latest-dev AS build
WORKDIR /
RUN pip install wagtail==7.0.10 && wagtail start mysite
WORKDIR /mysite
RUN pip install -r requirements.txt -t . && pip install tzdata -t .
RUN python manage.py migrate

FROM cgr.dev/chainguard/python:latest
COPY --from=build /mysite /mysite
WORKDIR /mysite
ENTRYPOINT ["python", "manage.py", "runserver", "0.0.0.0:8000"]
