# The C library is on every glibc base; whether find_library says so depends
# on ldconfig and /etc/ld.so.cache being in the image.
import ctypes.util

result = ctypes.util.find_library("c")
