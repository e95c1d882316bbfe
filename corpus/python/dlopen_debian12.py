# distrolint-corpus: base=python3-debian12
"""find_library on python3-debian12: no ldconfig, no ld.so.cache, no gcc, no ld."""
import ctypes
import ctypes.util


def lookups(name):
    ctypes.util.find_library("c")  # expect: DL402/warning
    ctypes.util.find_library(name)  # expect: DL402
    return ctypes.CDLL(ctypes.util.find_library("ssl"))  # expect: DL402


def lookups_ok():
    ctypes.CDLL("libc.so.6")  # ok: found in /lib/x86_64-linux-gnu without a cache
    ctypes.CDLL("libssl.so.3")  # ok: libssl3 is in the image
    return ctypes.CDLL("/usr/lib/x86_64-linux-gnu/libffi.so.8")  # ok: libffi8
