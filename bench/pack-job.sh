#!/usr/bin/env bash
# Packs .device-job/ for bench/device-job.sh: what one call on the GPU machine (no Java, no Maven, no network, no
# FFmpeg natives; at most 64 MiB carried, the work tree included) needs to run the streaming job there with
# `bin/cbinfer demo` (embedded Kafka broker + Flink MiniCluster) on the CPU and the CUDA backend.
#
#   ./mvnw -B -o -q -DskipTests package     # first: the modules' jars and job/target/lib (+ nvcc's fatbin)
#   bench/pack-job.sh                       # fills .device-job/ (runtime.tar.xz, data/)
#
# runtime.tar.xz holds jre/ (a jlink Java 17 runtime of the modules below) and lib/ (the job's runtime jars). To fit,
# the jars are re-stored uncompressed, without other platforms' natives, and the whole is compressed solid with xz
# (about 55 MiB with the runtime, instead of the jars' 150); device-job.sh unpacks it with Python's tarfile (no xz tool needed). Left
# out, as the demo does not load them: FFmpeg's natives (the cameras replay raw frames decoded by
# bench/decode_frames.py), the dashboard's web UI (flink-runtime-web: the REST API still runs), the tradeoff command's
# plotting (xchart, pdfbox), zstd (no compressed topics), ONNX's protobuf (PoseNet is a TensorFlow.js model),
# JavaCV and FFmpeg (raw frames need no decoder; JavaFX is its optional viewer; JavaCPP stays: the CUDA backend's
# binding), JUnit (the embedded
# broker comes from Kafka's test kit, whose JUnit extensions the demo does not use).
# RocksDB is not among the job's jars: the demo keeps state on the heap (hashmap backend).
#
# data/ holds PoseNet and the first CLIP_FRAMES frames of vtest.avi, cut without re-encoding (their pixels are the
# video's). conf/thresholds/ travels with the work tree.
#
# env: CLIP_FRAMES   frames of vtest.avi to carry (default 120, 1 MiB; 0: the whole video, 8 MiB)
#      XZ_LEVEL      xz preset (default 9: slower here, smaller)
#      JLINK_MODULES extra JDK modules for the runtime, comma separated
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
. bench/pack-lib.sh
out=.device-job
data=${CBINFER_DATA:-$root/data}   # bin/fetch-data fills it (the build does too)
CLIP_FRAMES=${CLIP_FRAMES:-120}

require_built testkit kernels connectors operators job
compgen -G "job/target/lib/*.jar" >/dev/null || { echo "build first: ./mvnw -B -o -q -DskipTests package (job/target/lib)" >&2; exit 1; }

# The JDK modules Flink, Kafka (broker and clients) and the job use; found by running the demo on this runtime.
# java.desktop (4.5 MiB of the archive): java.beans for log4j's LoggerContext, javax.imageio for FrameCodec (its catch
# clauses load IIOException even for raw frames).
MODULES=java.base,jdk.incubator.vector,java.desktop,java.logging,java.management,java.management.rmi,java.naming,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.xml,jdk.unsupported,jdk.zipfs,jdk.management,jdk.crypto.ec,java.net.http

# Jars the demo never loads (see above).
unneeded() {
  case $1 in
    ffmpeg-*-linux-*|flink-runtime-web-*|xchart-*|pdfbox-*|fontbox-*|graphics2d-*|VectorGraphics2D-*|\
animated-gif-lib-*|zstd-jni-*|protobuf-java-*|async-profiler-*|javafx-*|javacv-*|ffmpeg-*|junit-*|opentest4j-*|apiguardian-*) return 0 ;;
  esac
  return 1
}

# restore JAR OUT: JAR re-stored without compression (so that xz compresses the classes of all jars together),
# without native libraries for other platforms than linux-x86_64; nested jars likewise
restore() {
  local src=$1 dst=$2 d
  d=$(mktemp -d)
  (cd "$d" && unzip -q "$src")
  find "$d" -type f \( -name '*.so' -o -name '*.so.*' -o -name '*.dll' -o -name '*.dylib' -o -name '*.jnilib' -o -name '*.a' \) \
    | while read -r f; do
        case ${f#"$d"/} in
          *[Ll]inux*x86_64*|*[Ll]inux*amd64*|*x86_64*[Ll]inux*|*amd64*[Ll]inux*) ;;
          *) rm -f "$f" ;;
        esac
      done
  find "$d" -name '*.jar' | while read -r n; do restore "$n" "$n.stored" && mv "$n.stored" "$n"; done
  rm -f "$dst"
  (cd "$d" && zip -q -0 -X -r "$dst" .)
  rm -rf "$d"
}

rm -rf "$out" && mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lib"
kept=0 skipped=()
for j in job/target/lib/*.jar $(module_jars job); do
  n=$(basename "$j")
  if foreign_natives "$n" || unneeded "$n"; then skipped+=("$n"); continue; fi
  restore "$root/$j" "$tmp/lib/$n"
  kept=$((kept + 1))
done
echo "jars: $kept kept; left out: ${skipped[*]}"
jlink_runtime "$tmp/jre" "$MODULES" 0
echo "compressing (xz -${XZ_LEVEL:-9}) ..."
tar cf - -C "$tmp" jre lib | xz "-${XZ_LEVEL:-9}" -T0 > "$out/runtime.tar.xz"

copy_models "$data" "$out/data" posenet
mkdir -p "$out/data/video"
if [ "$CLIP_FRAMES" -gt 0 ]; then
  command -v ffmpeg >/dev/null || { echo "ffmpeg is needed to cut the clip (or CLIP_FRAMES=0)" >&2; exit 1; }
  ffmpeg -v error -i "$data/video/vtest.avi" -c copy -frames:v "$CLIP_FRAMES" -y "$out/data/video/vtest.avi"
else
  cp "$data/video/vtest.avi" "$out/data/video/"
fi
report_size "$out" 58
