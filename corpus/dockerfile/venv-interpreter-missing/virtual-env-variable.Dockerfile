# The VIRTUAL_ENV convention: the venv's path comes from ENV.
FROM python:3.13-slim AS build
ENV VIRTUAL_ENV=/opt/venv
RUN python3 -m venv "$VIRTUAL_ENV"
ENV PATH="$VIRTUAL_ENV/bin:$PATH"
RUN pip install gunicorn flask

FROM gcr.io/distroless/python3-debian13:nonroot
# expect: DL708
COPY --from=build /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
ENTRYPOINT ["gunicorn", "app:app"]
