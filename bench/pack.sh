#!/usr/bin/env bash
# Packs .device/ for bench/device-run.sh: what one call on the GPU machine (no Java, no Maven, no network)
# needs to run the CUDA tests, `bin/cbinfer bench` and the PyTorch peer. Smaller than
# the device tool's module-wide pack: only the jars the bench and the kernels' tests load
# (no Flink, Kafka, onnxruntime, nor JavaCV's 25 MiB of FFmpeg natives: device-run.sh decodes vtest.avi
# with the machine's OpenCV into raw frames), and a Java runtime of the few modules they use.
#
#   ./mvnw -B -o -q -DskipTests package     # first: kernels, connectors and job jars (+ nvcc's fatbin)
#   bench/pack.sh                           # fills .device/ (jre.tar.xz, lib/, data/)
#
# env: JUNIT_CONSOLE   console launcher version (default: the JUnit platform matching the project's Jupiter)
#      REBUILD_JRE=1   rebuild .device/jre.tar.xz even when present
#      JLINK_MODULES   extra JDK modules for the runtime, comma separated
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
. bench/pack-lib.sh
out=.device
data=${CBINFER_DATA:-$root/data}   # bin/fetch-data fills it (the build does too)

require_built testkit kernels connectors job
[ -d kernels/target/test-classes ] || { echo "kernels test classes missing: ./mvnw -B -o -q -DskipTests package" >&2; exit 1; }

rm -rf "$out/lib" && mkdir -p "$out/lib" "$out/data/models/tfjs" "$out/data/video"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
./mvnw -q -B -o dependency:copy-dependencies -pl testkit,kernels,connectors,job -DincludeScope=test -DoutputDirectory="$tmp/deps" \
  -Dmdep.useBaseVersion=true
# what bench and the GPU tests load: JSON, protobuf (ONNX importer), JavaCPP's CUDA presets (JNI wrappers for
# x86-64; the machine has NVIDIA's libraries), jqwik, XChart (bench --power; PNG through java.desktop); the console
# launcher below brings JUnit itself
for j in "$tmp"/deps/*.jar; do
  n=$(basename "$j")
  foreign_natives "$n" && continue
  case $n in
    jackson-core-*|jackson-databind-*|jackson-annotations-*|protobuf-java-*|cuda-[0-9]*|javacpp-[0-9]*|jqwik-[0-9]*|jqwik-api-*|jqwik-engine-*|xchart-*) cp "$j" "$out/lib/" ;;
  esac
done
module_jars testkit kernels connectors job | xargs -I{} cp {} "$out/lib/"
(cd kernels/target/test-classes && jar cf "$root/$out/lib/cbinfer-kernels-test-classes.jar" .)
platform=${JUNIT_CONSOLE:-$(sed -n 's:.*<junit.version>5\.\([0-9.]*\)</junit.version>.*:1.\1:p' pom.xml)}
./mvnw -q -B dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$platform" -DoutputDirectory="$root/$out/lib"

copy_models "$data" "$out/data" posenet selfie
# the GPU tests' real frames (vtest.avi decoded as TensorFlow.js saw it), without the golden outputs
mkdir -p "$out/data/golden"
cp "$data"/golden/{posenet,selfie}.manifest.json "$data"/golden/vtest_f100-109_385x385.rgb \
  "$data"/golden/vtest_f100-104_256x256.rgb "$out/data/golden/"
cp "$data/video/vtest.avi" "$out/data/video/"

if [ ! -f "$out/jre.tar.xz" ] || [ "${REBUILD_JRE:-0}" = 1 ]; then
  rm -f "$out/jre.tgz"
  # uncompressed modules, compressed solid with xz: about half of jlink's own compression
  jlink_runtime "$tmp/jre" java.base,jdk.incubator.vector,java.desktop,java.logging,java.management,java.xml,jdk.unsupported,jdk.zipfs 0
  tar cf - -C "$tmp" jre | xz -9 -T0 > "$out/jre.tar.xz"
fi
report_size "$out" 60
