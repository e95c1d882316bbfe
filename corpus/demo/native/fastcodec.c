/* A library vendored into fastimg.libs/, as auditwheel does. It needs only
 * zlib, which python3-debian12 ships. */
extern const char *zlibVersion(void);

int fastcodec_version(void) { return zlibVersion()[0]; }
