# What python-magic does once find_library has failed.
import ctypes

result = ctypes.CDLL("libmagic.so.1")
