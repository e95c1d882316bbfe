FROM gcr.io/distroless/python3-debian13 AS base
CMD python3 app.py

FROM base
# An ENTRYPOINT in a child stage drops the CMD it inherits.
ENTRYPOINT ["python3", "/app/app.py"]
