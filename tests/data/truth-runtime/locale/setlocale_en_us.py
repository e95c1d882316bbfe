# No distroless image compiles en_US.
import locale

result = locale.setlocale(locale.LC_ALL, "en_US.UTF-8")
