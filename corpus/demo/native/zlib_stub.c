/* Link-time stand-in for zlib (the image provides the real libz.so.1). */
const char *zlibVersion(void) { return "1.2.13"; }
