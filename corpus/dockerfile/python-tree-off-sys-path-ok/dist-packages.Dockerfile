FROM python:3.11-slim AS build
RUN pip install --no-cache-dir --prefix=/install django

FROM gcr.io/distroless/python3-debian12
COPY --from=build /install/lib/python3.11/site-packages /usr/local/lib/python3.11/dist-packages
COPY . /app
CMD ["/app/manage.py", "check"]
