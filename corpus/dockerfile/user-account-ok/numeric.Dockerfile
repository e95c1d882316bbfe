# Docker runs any numeric uid, with or without a passwd entry.
FROM gcr.io/distroless/python3-debian13
COPY --from=build /venv /venv
USER 10001:10001
ENTRYPOINT ["/venv/bin/gunicorn", "app:app"]
