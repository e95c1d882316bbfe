# A library copied into the loader's default directory after the image's
# ld.so.cache was made (COPY --from=build). The truth test puts libxml2.so.2
# there; find_library reads only the cache, so it still misses it.
import ctypes.util
import os

assert os.path.isfile("/usr/lib/x86_64-linux-gnu/libxml2.so.2"), "the truth test did not copy libxml2 in"
result = ctypes.util.find_library("xml2")
