# The :nonroot tag already runs as 65532, which its passwd names nonroot.
FROM gcr.io/distroless/python3-debian13:nonroot
COPY --from=build /venv /venv
ENTRYPOINT ["/venv/bin/gunicorn", "app:app"]
