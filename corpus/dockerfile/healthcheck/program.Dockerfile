FROM gcr.io/distroless/python3-debian13
COPY app.py /app/app.py
# expect: DL705/warning
HEALTHCHECK CMD ["curl", "-f", "http://localhost:8000/"]
CMD ["/app/app.py"]
