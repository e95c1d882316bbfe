FROM gcr.io/distroless/python3-debian13
COPY app.py /srv/app.py
WORKDIR /srv
CMD ["app.py", "--port", "8000"]
