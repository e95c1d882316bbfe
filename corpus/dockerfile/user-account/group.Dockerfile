FROM gcr.io/distroless/python3-debian12:nonroot
COPY --from=build /venv /venv
# expect: DL711
USER www-data:www-data
ENTRYPOINT ["/venv/bin/gunicorn", "app:app"]
