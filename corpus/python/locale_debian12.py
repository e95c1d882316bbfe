# distrolint-corpus: base=python3-debian12
"""Locales on python3-debian12: none compiled, not even C.UTF-8 (glibc ships it
as data, in libc-bin, which the image leaves out), and LANG=C.UTF-8."""
import locale


def locales():
    locale.setlocale(locale.LC_ALL, "C.UTF-8")  # expect: DL502/error
    locale.setlocale(locale.LC_CTYPE, "C.utf8")  # expect: DL502
    return locale.setlocale(locale.LC_ALL, "")  # expect: DL502


def locales_ok(name):
    locale.setlocale(locale.LC_ALL, "C")  # ok: built into glibc
    locale.setlocale(locale.LC_ALL, "POSIX")  # ok: built into glibc
    locale.setlocale(locale.LC_ALL, name)  # ok: not known statically
    return locale.setlocale(locale.LC_ALL)  # ok: only asks
