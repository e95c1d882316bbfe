import ctypes

result = ctypes.CDLL("libc.so.6")
