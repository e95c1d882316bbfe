# Debian 12's python3.11 made the venv; python3-debian13 has python3.13 only.
FROM debian:12-slim AS build
RUN apt-get update && apt-get install -y python3-venv && python3.11 -m venv /venv

FROM gcr.io/distroless/python3-debian13
# expect: DL707, DL708
COPY --from=build /venv /venv
ENTRYPOINT ["/venv/bin/python3.11", "-m", "app"]
