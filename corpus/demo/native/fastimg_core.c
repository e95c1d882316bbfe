/* The extension module of the demo's "fastimg" distribution. It links the
 * codec vendored beside it (found through RUNPATH $ORIGIN/../fastimg.libs)
 * and the system libjpeg, which no distroless image ships. */
extern int fastcodec_version(void);
extern int jpeg_std_error(void);

int fastimg_probe(void) { return fastcodec_version() + jpeg_std_error(); }

void *PyInit__core(void) { return 0; }
