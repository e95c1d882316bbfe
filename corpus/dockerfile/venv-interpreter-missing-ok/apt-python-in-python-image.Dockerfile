# The python image's apt also has Debian's python3; named by its path, it
# makes a venv for /usr/bin/python3, which python3-debian12 has.
FROM python:3.11-slim-bookworm AS build
RUN apt-get update && apt-get install -y python3-venv
RUN /usr/bin/python3 -m venv /venv && /venv/bin/pip install -r requirements.txt

FROM gcr.io/distroless/python3-debian12
COPY --from=build /venv /venv
ENTRYPOINT ["/venv/bin/python", "-m", "app"]
