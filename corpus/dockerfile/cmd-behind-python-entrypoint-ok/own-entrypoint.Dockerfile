FROM gcr.io/distroless/python3-debian13
COPY --from=ghcr.io/example/venv:1 /venv /venv
ENTRYPOINT ["/venv/bin/python", "-m", "gunicorn"]
CMD ["app:app"]
