FROM gcr.io/distroless/python3-debian13
# ldd is on the image, but as a script for /bin/bash.
# expect: DL705
RUN ["ldd", "/usr/bin/python3.13"]
# The heredoc's interpreter: distroless has no /usr/bin/env.
# expect: DL705
RUN <<EOF
#!/usr/bin/env python3
print("hello")
EOF
