FROM gcr.io/distroless/python3-debian13
RUN ["python3", "-m", "venv", "--without-pip", "/venv"]
# The RUN above may have made it; distrolint cannot see.
# expect: DL705/info
ENTRYPOINT ["/venv/bin/gunicorn"]
