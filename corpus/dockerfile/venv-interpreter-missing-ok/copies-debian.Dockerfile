# A copy of Debian's python3.11 is a static-libpython binary whose standard
# library, /usr/lib/python3.11, python3-debian12 has.
FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y python3-venv python3-pip
RUN python3 -m venv --copies /venv && /venv/bin/pip install -r requirements.txt

FROM gcr.io/distroless/python3-debian12
COPY --from=build /venv /venv
ENTRYPOINT ["/venv/bin/python", "-m", "app"]
