# python-magic's lookup: libmagic is on no distroless image.
from ctypes.util import find_library

result = find_library("magic")
