#!/usr/bin/env bash
# One call on the GPU machine: the streaming job (`bin/cbinfer demo`: embedded Kafka broker + Flink MiniCluster,
# cameras replaying vtest.avi) on the CPU backend, then on the CUDA backend (each precision at parallelism 1, and fp32
# at parallelism 2 with both subtasks sharing GPU 0), each CUDA run's results compared with the CPU run's.
# Run from the project root after bench/pack-job.sh, with carry [".device-job"]:
#
#   bash bench/device-job.sh
#
# Writes under $OUT (at most 8 files come back): summary.txt (the table and the comparisons), run.log (everything
# printed), <run>.summary.json for each run, runs.tgz (each run's results, dead letters, summary, job config,
# cbinfer.log, and the compare-results JSON). Settings:
#   SIZE        frame size (default 385x385, the tuned thresholds' size);  CAMERAS (default 8);  FRAMES per camera (60)
#   FPS         frames per second per camera, 0 = as fast as possible (default 0: throughput; 10 = vtest's live rate,
#               for latency)
#   THRESHOLDS  thresholds JSON (default conf/thresholds/posenet-vtest-385x385.json); THRESHOLD=T instead: uniform
#   PRECISIONS  CUDA precisions at parallelism 1 (default fp32,tf32);  SHARED=0 skips the parallelism-2 run
#   GPU=0       the CPU run only (what can be checked without a GPU);  CPU_PARALLELISM (default: min(cameras, cores))
#   RAW         an existing raw RGB24 file of SIZE frames to replay instead of decoding the clip with OpenCV
#   COMPARE_ARGS  tolerances for compare-results (default: its own);  DEMO_ARGS  extra demo options (e.g. batching)
#   STEP_TIMEOUT  seconds any one step may take (default 240);  JAVA_OPTS (default -Xmx24g)
#   RUNTIME     a runtime unpacked by an earlier call on the same warm machine (when pack + work tree exceed one call)
set -uo pipefail
: "${OUT:?OUT must name the folder whose files come back}"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. bench/device-env.sh
SIZE=${SIZE:-385x385}
CAMERAS=${CAMERAS:-8}
FRAMES=${FRAMES:-60}
FPS=${FPS:-0}
PRECISIONS=${PRECISIONS:-fp32,tf32}
STEP_TIMEOUT=${STEP_TIMEOUT:-240}
export JAVA_OPTS=${JAVA_OPTS:--Xmx24g}
if [ -n "${THRESHOLD:-}" ]; then thresholds=(--threshold "$THRESHOLD")
else thresholds=(--thresholds "${THRESHOLDS:-$root/conf/thresholds/posenet-vtest-385x385.json}"); fi
pack=$root/.device-job
work=/tmp/cbinfer-job
rm -rf "$work" && mkdir -p "$work/runs" "$OUT"
log=$OUT/run.log
say() { printf '%s\n' "$*" | tee -a "$log"; }
step() {  # step NAME COMMAND...: runs with a time limit (TERM, then KILL 30 s later), logs, never stops the script
  local name=$1; shift
  say "=== $name: $*"
  local t0=$SECONDS
  timeout -k 30 "$STEP_TIMEOUT" "$@" 2>&1 | tee -a "$log"
  local rc=${PIPESTATUS[0]}
  say "=== $name: exit $rc after $((SECONDS - t0)) s"
  return "$rc"
}

say "device: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -1); $(nproc) cores; $(date -u +%FT%TZ)"
if [ -n "${RUNTIME:-}" ]; then
  # unpacked by an earlier call on the same (still warm) machine, when the pack and the work tree together
  # exceed what one call carries: python3 -c 'import tarfile; tarfile.open(".device-job/runtime.tar.xz").extractall("DIR")'
  [ -x "$RUNTIME/jre/bin/java" ] || { say "RUNTIME=$RUNTIME holds no jre/bin/java"; exit 1; }
  runtime=$RUNTIME
else
  [ -f "$pack/runtime.tar.xz" ] || { say "no $pack/runtime.tar.xz: run bench/pack-job.sh and carry .device-job"; exit 1; }
  runtime=$work
  step unpack python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$pack/runtime.tar.xz" \
    "$runtime" || exit 1
fi
export JAVA_HOME=$runtime/jre CBINFER_CLASSPATH="$runtime/lib/*" CBINFER_DATA=$pack/data

w=${SIZE%x*} h=${SIZE#*x}
raw=${RAW:-$work/vtest_$SIZE.rgb}
if [ -z "${RAW:-}" ]; then
  step decode python3 bench/decode_frames.py --video "$pack/data/video/vtest.avi" --size "$SIZE" --out "$raw" || exit 1
fi

demo() {  # demo NAME OPTIONS...: one demo run into $work/runs/NAME
  local name=$1; shift
  # shellcheck disable=SC2086 # DEMO_ARGS is a word list
  step "demo $name" bin/cbinfer demo --raw "$raw" --width "$w" --height "$h" --cameras "$CAMERAS" --frames "$FRAMES" \
    --fps "$FPS" --port 0 --progress 5 "${thresholds[@]}" --out "$work/runs/$name" "$@" ${DEMO_ARGS:-}
  [ -f "$work/runs/$name/summary.json" ] && cp "$work/runs/$name/summary.json" "$OUT/$name.summary.json"
  return 0
}
# What "within the GPU tolerance" means for skeletons: fp32 keeps keypoints at the same position (to the JSON's 0.01
# px); TF32 and fp16 round products (relative error ~1e-3, ~1e-2 over PoseNet's depth), which moves the sub-pixel
# offsets a little, so they must keep keypoints within 1 px and scores within 0.005 on average.
REDUCED_TOLERANCES="--min-same-position 0 --min-within-1px 0.99 --max-mean-score-diff 0.005"
compare() {  # compare A B [TOLERANCES]: compare-results of two runs, JSON beside B
  # shellcheck disable=SC2086 # the tolerances are word lists
  step "compare $1 $2" bin/cbinfer compare-results "$work/runs/$1" "$work/runs/$2" --json "$work/runs/$2/compare-$1.json" \
    ${3:-} ${COMPARE_ARGS:-}
  return 0
}

demo cpu --backend cpu ${CPU_PARALLELISM:+--parallelism "$CPU_PARALLELISM"}
if [ "${GPU:-1}" = 1 ]; then
  for p in ${PRECISIONS//,/ }; do
    demo "cuda-$p" --backend cuda --precision "$p" --parallelism 1 --devices 0
    if [ "$p" = fp32 ]; then compare cpu "cuda-$p"; else compare cpu "cuda-$p" "$REDUCED_TOLERANCES"; fi
  done
  if [ "${SHARED:-1}" = 1 ]; then
    demo cuda-fp32-p2 --backend cuda --precision fp32 --parallelism 2 --devices 0
    compare cpu cuda-fp32-p2
  fi
fi

# which device each inference subtask took (the operator's log line), per run
for r in "$work"/runs/*/; do
  say "devices of $(basename "$r"): $(grep -ho 'subtask [0-9]* -> device [0-9]* ([^)]*)' "$r/cbinfer.log" 2>/dev/null | sort -u | tr '\n' ';')"
done
python3 bench/summarize_job.py "$work/runs" | tee "$OUT/summary.txt" | tee -a "$log"
tar czf "$OUT/runs.tgz" -C "$work/runs" --exclude checkpoints .
ls -la "$OUT" | tee -a "$log"
