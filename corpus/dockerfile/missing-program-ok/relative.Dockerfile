FROM gcr.io/distroless/python3-debian13
WORKDIR /srv
COPY bin/ ./bin/
ENTRYPOINT ["./bin/serve"]
