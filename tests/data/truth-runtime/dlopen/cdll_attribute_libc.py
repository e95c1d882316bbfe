# The Windows idiom: dlopen("libc"), a name no file has on Linux.
import ctypes

result = ctypes.cdll.libc
