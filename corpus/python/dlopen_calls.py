"""Libraries opened at run time, on python3-debian13 (ld.so.cache with 52 entries)."""
import ctypes
import ctypes as c
import ctypes.util
from ctypes import CDLL, cdll, util
from ctypes.util import find_library

import cffi
from cffi import FFI


def python_magic():
    # python-magic's loader tries the soname when find_library fails.
    return ctypes.CDLL("libmagic.so.1")  # expect: DL401/error


def python_magic_ok():
    return ctypes.CDLL("libc.so.6")  # ok: in the cache


def pyzbar():
    path = find_library("zbar")  # expect: DL402/warning
    return cdll.LoadLibrary("libzbar.so.0")  # expect: DL401


def pyzbar_ok():
    path = find_library("c")  # ok: libc.so.6 is in the cache
    return cdll.LoadLibrary("libz.so.1")  # ok: zlib1g is in the image


def weasyprint():
    ffi = FFI()
    pango = ffi.dlopen("libpango-1.0.so.0")  # expect: DL401
    cairo = ffi.dlopen("cairo")  # expect: DL401
    return pango, cairo


def weasyprint_ok():
    ffi = cffi.FFI()
    libc = ffi.dlopen("c")  # ok: find_library('c') finds libc.so.6 in the cache
    libz = ffi.dlopen("libz.so.1")  # ok: the name itself is found
    return ffi.dlopen(None), libc, libz  # ok: the C library of the process


def through_aliases():
    c.PyDLL("libgs.so.10")  # expect: DL401
    CDLL("/usr/lib/x86_64-linux-gnu/libpq.so.5")  # expect: DL401
    ctypes.pydll.LoadLibrary(name="libvips.so.42")  # expect: DL401
    util.find_library("magic")  # expect: DL402


def through_aliases_ok(name):
    c.PyDLL("libsqlite3.so.0")  # ok: libsqlite3-0 ships it
    CDLL("/lib/x86_64-linux-gnu/libc.so.6")  # ok: /lib is a link to usr/lib
    ctypes.CDLL(name)  # ok: not known statically
    ctypes.CDLL("./vendored/libfoo.so")  # ok: relative to the working directory
    util.find_library(name)  # ok: not known statically


def windows_idiom():
    libc = ctypes.cdll.libc  # expect: DL403/warning
    ctypes.pydll.msvcrt.printf(b"hi")  # expect: DL403
    return libc


def windows_idiom_ok():
    ctypes.cdll.LoadLibrary("libc.so.6")  # ok: the loader method itself
    return ctypes.CDLL("libm.so.6")  # ok: libc6 ships it
