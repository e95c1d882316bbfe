FROM python:3.13-slim AS build
RUN pip install --target /deps gunicorn flask

FROM gcr.io/distroless/python3-debian13
COPY --from=build /deps /usr/lib/python3/dist-packages
ENTRYPOINT ["python3", "-m", "gunicorn", "app:app"]
