# The build stage's /etc/passwd, which has the account, replaces the base's.
FROM python:3.13-slim AS build
RUN useradd --uid 10001 app
FROM gcr.io/distroless/python3-debian13
COPY --from=build /etc/passwd /etc/passwd
COPY --from=build /app /app
USER app
CMD ["/app/main.py"]
