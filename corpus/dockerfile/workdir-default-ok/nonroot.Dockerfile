# distrolint-corpus: context=scan
# On the :nonroot tag both the COPY and the script resolve against
# /home/nonroot.
FROM gcr.io/distroless/python3-debian13:nonroot
COPY ./container/ ./
CMD ["main.py"]
