# The mode and owner set as the file is copied in: no chmod, no shell.
FROM gcr.io/distroless/python3-debian13
COPY --chmod=755 --chown=nonroot:nonroot run.py /app/run.py
ENTRYPOINT ["/app/run.py"]
