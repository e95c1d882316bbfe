# distrolint-corpus: context=scan
# The :nonroot tag's WORKDIR is /home/nonroot: the same COPY lands there,
# and the script the CMD hands to the base's Python is not at /main.py.
FROM gcr.io/distroless/python3-debian13:nonroot
COPY ./container/ ./
# expect: DL709
CMD ["/main.py"]
