# libssl is part of the python images (base-debianNN adds it).
import ctypes.util

result = ctypes.util.find_library("ssl")
