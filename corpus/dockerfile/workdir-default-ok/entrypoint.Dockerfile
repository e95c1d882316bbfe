# distrolint-corpus: context=scan
# A relative ENTRYPOINT resolves against the base's WORKDIR, where the
# relative COPY put it.
FROM gcr.io/distroless/python3-debian13
COPY ./container/ ./
ENTRYPOINT ["./serve"]
