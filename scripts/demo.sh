#!/usr/bin/env bash
# Builds the demo's native extensions into target/demo/venv (as pip would have
# installed them) and checks it, with the demo application, against
# python3-debian12. Extra arguments go to `distrolint check`.
set -euo pipefail
cd "$(dirname "$0")/.."
src=corpus/demo/native
venv=target/demo/venv
site=$venv/lib/python3.11/site-packages
stubs=target/demo/stubs
rm -rf target/demo
mkdir -p "$site/fastimg" "$site/fastimg.libs" "$site/fastimg-2.1.0.dist-info" \
  "$site/speedups" "$site/speedups-0.4.dist-info" "$stubs" "$venv/bin"
cc=${CC:-cc}

# Link-time stand-ins, never installed.
$cc -shared -fPIC -o "$stubs/libjpeg.so.62" -Wl,-soname,libjpeg.so.62 "$src/libjpeg_stub.c"
$cc -shared -fPIC -o "$stubs/libz.so.1" -Wl,-soname,libz.so.1 "$src/zlib_stub.c"

$cc -shared -fPIC -o "$site/fastimg.libs/libfastcodec-3f2a1b.so.1" \
  -Wl,-soname,libfastcodec-3f2a1b.so.1 "$src/fastcodec.c" "$stubs/libz.so.1"
$cc -shared -fPIC -o "$site/fastimg/_core.cpython-311-x86_64-linux-gnu.so" \
  "$src/fastimg_core.c" -Wl,--enable-new-dtags,-rpath,'$ORIGIN/../fastimg.libs' \
  "$site/fastimg.libs/libfastcodec-3f2a1b.so.1" "$stubs/libjpeg.so.62"
$cc -shared -fPIC -o "$site/speedups/_accel.cpython-313-x86_64-linux-gnu.so" "$src/accel.c"

touch "$site/fastimg/__init__.py" "$site/speedups/__init__.py"
printf 'home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n' > "$venv/pyvenv.cfg"
printf 'Metadata-Version: 2.1\nName: fastimg\nVersion: 2.1.0\n' > "$site/fastimg-2.1.0.dist-info/METADATA"
printf 'Wheel-Version: 1.0\nTag: cp311-cp311-manylinux_2_17_x86_64\n' > "$site/fastimg-2.1.0.dist-info/WHEEL"
printf 'Metadata-Version: 2.1\nName: speedups\nVersion: 0.4\n' > "$site/speedups-0.4.dist-info/METADATA"
{
  for f in fastimg/__init__.py fastimg/_core.cpython-311-x86_64-linux-gnu.so \
    fastimg.libs/libfastcodec-3f2a1b.so.1 fastimg-2.1.0.dist-info/METADATA \
    fastimg-2.1.0.dist-info/WHEEL fastimg-2.1.0.dist-info/RECORD; do echo "$f,,"; done
} > "$site/fastimg-2.1.0.dist-info/RECORD"
printf 'speedups/__init__.py,,\nspeedups/_accel.cpython-313-x86_64-linux-gnu.so,,\n' \
  > "$site/speedups-0.4.dist-info/RECORD"

cargo run --release --quiet -- check corpus/demo/app "$venv" --base python3-debian12 "$@"
