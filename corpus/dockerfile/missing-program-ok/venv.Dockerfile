FROM debian:13-slim AS build
RUN apt-get update && apt-get install -y python3-venv && python3 -m venv /venv && /venv/bin/pip install gunicorn flask

FROM gcr.io/distroless/python3-debian13
COPY --from=build /venv /venv
ENV PATH="/venv/bin:$PATH"
ENTRYPOINT ["gunicorn", "app:app"]
