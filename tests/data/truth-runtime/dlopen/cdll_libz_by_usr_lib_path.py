# An absolute path: Debian 12 keeps zlib in /lib/x86_64-linux-gnu and is not
# merged-/usr, so this path exists only on Debian 13.
import ctypes

result = ctypes.CDLL("/usr/lib/x86_64-linux-gnu/libz.so.1")
