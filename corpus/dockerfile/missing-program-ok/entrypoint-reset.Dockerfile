FROM gcr.io/distroless/python3-debian13
# With the ENTRYPOINT reset, CMD's first word is the program.
ENTRYPOINT []
CMD ["python3.13", "/app/main.py"]
