# The script comes from a step distrolint cannot see into: a note.
FROM gcr.io/distroless/python3-debian13
COPY --from=ghcr.io/example/tools:1 /opt/tools /opt
WORKDIR /srv
RUN ["/usr/bin/python3", "-c", "open('/srv/serve.py', 'w').write('print(1)')"]
# expect: DL709/info
CMD ["serve.py"]
