# A (language, encoding) pair, which Python joins into "de_DE.UTF-8".
import locale

result = locale.setlocale(locale.LC_TIME, ("de_DE", "UTF-8"))
