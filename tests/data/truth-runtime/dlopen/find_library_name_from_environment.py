# A name distrolint cannot read: where find_library has no way to look
# (no ldconfig, no cache), it returns None whatever the name is.
import ctypes.util
import os

name = os.environ.get("TRUTH_LIBRARY_NAME", "c")
result = ctypes.util.find_library(name)
