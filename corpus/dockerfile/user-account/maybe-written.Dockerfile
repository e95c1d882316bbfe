# A RUN step might write an /etc/passwd that has the account: info.
FROM gcr.io/distroless/python3-debian13
COPY --from=build /venv /venv
RUN ["/venv/bin/python", "/venv/bin/add-account", "app"]
# expect: DL711/info
USER app
ENTRYPOINT ["/venv/bin/gunicorn", "app:app"]
