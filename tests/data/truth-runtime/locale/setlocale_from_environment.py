# "" takes the locale from LANG and LC_*; the images set LANG=C.UTF-8.
import locale

result = locale.setlocale(locale.LC_ALL, "")
