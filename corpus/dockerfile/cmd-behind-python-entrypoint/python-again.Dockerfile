# `python` in the CMD is handed to the base's Python as a file name.
FROM gcr.io/distroless/python3-debian13
COPY app.py /app/app.py
WORKDIR /app
# expect: DL709
CMD ["python", "app.py"]
