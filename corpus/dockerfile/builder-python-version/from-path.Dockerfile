# The builder's image says nothing about its Python; the copied path does.
FROM registry.example/ci/builder:2024 AS build
RUN pip install --prefix=/install psycopg[binary]

FROM gcr.io/distroless/python3-debian13
# expect: DL707/warning
COPY --from=build /install/lib/python3.12/site-packages /usr/lib/python3/dist-packages
CMD ["-c", "import psycopg"]
