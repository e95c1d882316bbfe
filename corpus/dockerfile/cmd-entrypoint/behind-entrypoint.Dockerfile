FROM gcr.io/distroless/python3-debian13
COPY . /app
ENTRYPOINT ["python3", "-m", "uvicorn", "--app-dir", "/app"]
# Handed to the ENTRYPOINT as `/bin/sh -c "..."`.
# expect: DL702
CMD api:app --host 0.0.0.0 --port $PORT
