# Sourced by bench/pack.sh and bench/pack-job.sh: the steps both packs for the GPU machine share (it has no Java,
# no Maven, no network; a call carries at most 64 MiB, the work tree included).

# require_built MODULE...: the modules' jars must exist (built by ./mvnw package)
require_built() {
  local m
  for m in "$@"; do
    compgen -G "$m/target/cbinfer-$m-*.jar" >/dev/null || { echo "build first: ./mvnw -B -o -q -DskipTests package" >&2; exit 1; }
  done
}

# foreign_natives JAR_NAME: true for a jar of native libraries for another platform than linux-x86_64
foreign_natives() {
  case $1 in *-windows-*|*-macosx-*|*-linux-arm*|*-linux-ppc*|*-android-*|*-ios-*|*-linux-x86.jar) return 0 ;; esac
  return 1
}

# module_jars MODULE... : the modules' main jars (not sources, tests, javadoc or shaded)
module_jars() {
  local m j
  for m in "$@"; do
    for j in "$m"/target/cbinfer-"$m"-*.jar; do
      case $j in *-sources.jar|*-tests.jar|*-javadoc.jar|*-shaded.jar) ;; *) printf '%s\n' "$j" ;; esac
    done
  done
}

# jlink_runtime OUT MODULES COMPRESS: a Java runtime of the JDK's (JAVA_HOME) modules, comma separated, plus
# $JLINK_MODULES, without debug info; COMPRESS 0 when the pack compresses it better itself (xz), 2 otherwise
jlink_runtime() {
  local jdk=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
  "$jdk/bin/jlink" --add-modules "$2${JLINK_MODULES:+,$JLINK_MODULES}" --strip-debug --no-man-pages \
    --no-header-files --compress="$3" --output "$1"
}

# copy_models DATA OUT NAME...: the TensorFlow.js models NAME (json + weights) from DATA into OUT/models/tfjs
copy_models() {
  local data=$1 out=$2 n
  shift 2
  mkdir -p "$out/models/tfjs"
  for n in "$@"; do cp "$data/models/tfjs/$n.json" "$data/models/tfjs/$n.bin" "$out/models/tfjs/"; done
}

# report_size DIR LIMIT_MIB: the pack's size against the call's 64 MiB (the rest of the work tree counts too)
report_size() {
  du -sh "$1"/* | sed 's/^/  /'
  local total
  total=$(du -sm "$1" | cut -f1)
  echo "total ${total} MiB of the 64 MiB a call may carry (the rest of the work tree counts too)"
  [ "$total" -lt "$2" ] || echo "WARNING: over ${2} MiB: too large for one call with the work tree"
}
