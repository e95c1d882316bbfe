FROM gcr.io/distroless/python3-debian13
WORKDIR /app
COPY . .
# Single quotes are not JSON: this is shell form.
# expect: DL702
CMD ['app.py', '--port', '8000']
