# python3-debian12 carries no compiled locale at all, C.UTF-8 included.
FROM gcr.io/distroless/python3-debian12
# expect: DL710
ENV LC_CTYPE=C.UTF-8
