#!/bin/sh
# The image's own files beside the application layers: a jlink Java runtime at /opt/java, the
# shared libraries it loads (from this machine, at their own paths: the image is FROM scratch) and
# an empty /tmp. Usage: runtime.sh JDK_HOME OUTPUT_DIR MODULES
set -eu
jdk="$1"
out="$2"
modules="$3"
rm -rf "$out"
mkdir -p "$out/opt" "$out/tmp"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --output "$out/opt/java"
# Every library the launcher and the runtime's own libraries link, and the dynamic loader; not
# those of AWT's and Java Sound's native parts, which a headless server never loads.
libs=$(find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) \
  ! -name 'libawt_xawt.so' ! -name 'libsplashscreen.so' ! -name 'libjsound.so' \
  ! -name 'liblcms.so' ! -name 'libfontmanager.so' ! -name 'libjavajpeg.so' \
  -exec ldd {} \; 2>/dev/null \
  | awk '/=> \// { print $3 } /^[[:space:]]*\/[^ ]*ld-linux/ { print $1 }' | sort -u)
for lib in $libs; do
  case "$lib" in "$out"*) continue ;; esac
  real=$(readlink -f "$lib")
  mkdir -p "$out$(dirname "$lib")"
  cp "$real" "$out$lib"
done
echo "runtime: $(du -sh "$out" | cut -f1) in $out"
