# chmod is not on distroless: the COPY that puts the file there sets its
# mode instead (missing-program-ok/copy-chmod.Dockerfile).
FROM gcr.io/distroless/python3-debian13
COPY run.py /app/run.py
# expect: DL705
RUN ["chmod", "755", "/app/run.py"]
ENTRYPOINT ["/app/run.py"]
