# zlib1g is part of the python images; a bare soname goes through the cache
# (when there is one) and the loader's default directories.
import ctypes

result = ctypes.cdll.LoadLibrary("libz.so.1")
