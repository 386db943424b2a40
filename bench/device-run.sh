#!/usr/bin/env bash
# One call on the GPU machine: the CUDA tests, then for each network the PyTorch/cuDNN peer and our bench
# (dense, and change-based at the network's thresholds for several camera counts), then a summary table.
# Run from the project root after bench/pack.sh, with carry [".device"]:
#
#   bash bench/device-run.sh
#
# Writes under $OUT (at most 8 files come back): summary.txt, run.log (everything printed), tests.log,
# results.tgz (every JSON: peer-*.json, ours-*.json; and power-*.png, the GPU's power over each of our runs). Tune to fit the call's 10 minutes with:
#   NETWORKS     space-separated specs NAME:MODEL:WxH:SCALE:THRESHOLDS (default below; MODEL "posenet" = the
#                packed posenet.json)
#   PRECISIONS   our backend's precisions, comma separated (default fp32,tf32,fp16)
#   FRAMES       frames per camera (default 0:200);  CAMERAS (default 1,8,32,128)
#   BATCHES      dense batch sizes, ours and the peer's (default 1,8,32)
#   BACKEND      cuda (default) or cpu;  TESTS=0 skips the JUnit run;  PEER=0 skips the peer
#   OUTPUTS      full (default), labels, or full,labels: "labels" runs the peer with --labels and ours with
#                --outputs labels (label maps made on the GPU and downloaded instead of the scores; segmentation
#                networks only), its results as network NAME+labels (peer-NAME+labels.json, ours-NAME+labels-P.json)
#   PEER_ARGS    extra peer options (default "--warmup 10 --iters 30");  BENCH_ARGS extra bench options
#   STEP_TIMEOUT seconds any one step may take (default 300);  JAVA_OPTS (default -Xmx64g)
set -uo pipefail
: "${OUT:?OUT must name the folder whose files come back}"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. bench/device-env.sh
NETWORKS=${NETWORKS:-"scenelabel:scenelabel:1040x776:unit:0.05,0.1 openpose2:openpose2:496x368:unit:0.05,0.1 posenet385:posenet:385x385:pm1:0.01,0.03 posenet769:posenet:769x577:pm1:0.01,0.03"}
PRECISIONS=${PRECISIONS:-fp32,tf32,fp16}
FRAMES=${FRAMES:-0:200}
CAMERAS=${CAMERAS:-1,8,32,128}
BATCHES=${BATCHES:-1,8,32}
BACKEND=${BACKEND:-cuda}
OUTPUTS=${OUTPUTS:-full}
PEER_ARGS=${PEER_ARGS:-"--warmup 10 --iters 30"}
BENCH_ARGS=${BENCH_ARGS:-}
STEP_TIMEOUT=${STEP_TIMEOUT:-300}
JAVA_OPTS=${JAVA_OPTS:--Xmx64g}
export PYTHONUNBUFFERED=1 NCCL_NVLS_ENABLE=0 CBINFER_DATA=$root/.device/data

work=/tmp/cbinfer-bench
rm -rf "$work" && mkdir -p "$work/results" "$work/exports" "$work/frames" target
log=$OUT/run.log
say() { printf '%s\n' "$*" | tee -a "$log"; }
step() {  # step NAME COMMAND...: runs with a time limit, logs, never stops the run
  local name=$1; shift
  say "=== $name: $*"
  local t0=$SECONDS
  timeout "$STEP_TIMEOUT" "$@" 2>&1 | tee -a "$log"
  local rc=${PIPESTATUS[0]}
  say "=== $name: exit $rc after $((SECONDS - t0)) s"
  return 0
}

python3 -c 'import tarfile; tarfile.open(".device/jre.tar.xz").extractall("/tmp")' # no xz tool there
J=(/tmp/jre/bin/java $JAVA_OPTS -cp "$root/.device/lib/*")
say "device: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -1); $(date -u +%FT%TZ)"
say "python: $(python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version())' 2>&1 | tail -1)"

if [ "${TESTS:-1}" = 1 ]; then
  step tests "${J[@]}" org.junit.platform.console.ConsoleLauncher execute --select-package org.cbinfer.kernels.cuda \
    --details=tree --disable-banner
  grep -E 'tests (successful|failed|skipped|aborted)|containers failed' "$log" | tail -5 > "$OUT/tests.log"
fi

for spec in $NETWORKS; do
  IFS=: read -r name model size scale thresholds <<< "$spec"
  [ "$model" = posenet ] && model=$CBINFER_DATA/models/tfjs/posenet.json
  frames=$work/frames/vtest_$size.rgb
  [ -f "$frames" ] || step "decode $size" python3 bench/decode_frames.py --video "$CBINFER_DATA/video/vtest.avi" --size "$size" --out "$frames"
  common=(--model "$model" --size "$size" --scale "$scale" --video "$frames")
  step "export $name" "${J[@]}" org.cbinfer.job.Cli bench "${common[@]}" --frames "$FRAMES" --export "$work/exports/$name"
  for outputs in ${OUTPUTS//,/ }; do
    run=$name peer_labels=()
    [ "$outputs" = labels ] && run=$name+labels peer_labels=(--labels)
    if [ "${PEER:-1}" = 1 ]; then
      # shellcheck disable=SC2086
      step "peer $run" python3 bench/peers/pytorch_dense.py --export "$work/exports/$name" --batches "$BATCHES" \
        --out "$work/results/peer-$run.json" "${peer_labels[@]}" $PEER_ARGS
    fi
    for p in ${PRECISIONS//,/ }; do
      # shellcheck disable=SC2086
      step "ours $run $p" "${J[@]}" org.cbinfer.job.Cli bench "${common[@]}" --backend "$BACKEND" --precision "$p" \
        --mode dense,cb --threshold "$thresholds" --frames "$FRAMES" --cameras "$CAMERAS" --batch "$BATCHES" \
        --outputs "$outputs" --out "$work/results/ours-$run-$p.json" --power "$work/results/power-$run-$p.png" $BENCH_ARGS
    done
  done
done

tar czf "$OUT/results.tgz" -C "$work/results" .
python3 bench/summarize.py "$work/results" | tee "$OUT/summary.txt" | tee -a "$log"
