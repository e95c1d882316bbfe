FROM gcr.io/distroless/python3-debian13 AS runtime
COPY worker.py /app/worker.py

FROM runtime
# expect: DL702
ENTRYPOINT python3 /app/worker.py --queue default
# Ignored behind a shell-form ENTRYPOINT, so not reported.
CMD also ignored
