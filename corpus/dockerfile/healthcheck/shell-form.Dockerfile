FROM gcr.io/distroless/python3-debian13
COPY app.py /app/app.py
# The finding points at the command, on the continuation line.
HEALTHCHECK --interval=10s --retries=3 \
# expect: DL703
  CMD wget -qO- http://localhost:8000/ || exit 1
CMD ["/app/app.py"]
