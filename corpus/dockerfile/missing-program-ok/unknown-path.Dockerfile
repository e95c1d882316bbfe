FROM gcr.io/distroless/python3-debian13
ARG VENV
# PATH depends on a build argument without a default: not judged.
ENV PATH=$VENV/bin:$PATH
ENTRYPOINT ["gunicorn", "app:app"]
