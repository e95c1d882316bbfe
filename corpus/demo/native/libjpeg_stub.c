/* Stands in for libjpeg at link time only, so that the extension records
 * DT_NEEDED libjpeg.so.62; it is not installed into the demo tree, just as
 * a wheel built on a full Debian would not carry it. */
int jpeg_std_error(void) { return 0; }
