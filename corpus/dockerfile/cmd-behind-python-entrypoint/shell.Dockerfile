# A shell started by CMD: Python is asked to run a file named sh.
FROM gcr.io/distroless/python3-debian13
WORKDIR /app
# expect: DL709
CMD ["sh", "-c", "python3 -m app migrate && python3 -m app serve"]
