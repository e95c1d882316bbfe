# Built into glibc since 2.35.
import locale

result = locale.setlocale(locale.LC_ALL, "C.UTF-8")
