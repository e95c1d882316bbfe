# The python:slim habit of installing into a prefix and copying it over
# /usr/local: the packages land in /usr/local/lib/python3.11/site-packages,
# which Debian's Python does not read (it reads dist-packages).
FROM python:3.11-slim AS build
WORKDIR /src
COPY requirements.txt .
RUN pip install --no-cache-dir --prefix=/install -r requirements.txt

FROM gcr.io/distroless/python3-debian12:nonroot
# expect: DL706/error
COPY --from=build /install /usr/local
COPY . /app
WORKDIR /app
CMD ["manage.py", "runserver", "0.0.0.0:8000"]
