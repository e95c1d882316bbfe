FROM python:3.13-slim AS build
RUN pip install --target=/deps flask

FROM gcr.io/distroless/python3-debian13
COPY --from=build /deps /app/deps
ENV PYTHONPATH=/app/deps
COPY app.py /app/
ENTRYPOINT ["python3", "/app/app.py"]
