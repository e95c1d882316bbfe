# A venv made by Debian 12's python3 (3.11, from apt) for python3-debian12.
FROM debian:bookworm-slim AS build
RUN apt-get update && apt-get install -y python3-venv
ENV VIRTUAL_ENV=/opt/venv
RUN python3 -m venv $VIRTUAL_ENV && $VIRTUAL_ENV/bin/pip install -r requirements.txt

FROM gcr.io/distroless/python3-debian12:nonroot
COPY --from=build /opt/venv /opt/venv
ENTRYPOINT ["/opt/venv/bin/python", "-m", "app"]
