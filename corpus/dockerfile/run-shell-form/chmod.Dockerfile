FROM gcr.io/distroless/python3-debian13
COPY run.py /app/run.py
# expect: DL701
RUN chmod 755 /app/run.py
ENTRYPOINT ["/app/run.py"]
