#!/usr/bin/env bash
# One call on the GPU machine: where the GPU time of a frame goes, per kernel and per launch, measured with
# Nsight Compute (every kernel node of the replayed CUDA graphs timed on its own) over `bin/cbinfer bench`.
# Run from the project root after bench/pack.sh, with carry [".device"]:
#
#   bash bench/device-profile.sh
#
# env: PROFILES  space-separated NAME:MODEL:WxH:SCALE:PRECISION:MODE:THRESHOLD:CAMERAS (MODE cb or dense;
#                MODEL "posenet" = the packed posenet.json; THRESHOLD a number or a thresholds file)
#      FRAMES    frames per camera (default 0:12; 3 warm-up frames are left out)
#      STEP_TIMEOUT  seconds per profile (default 240)
# Writes under $OUT: profile.txt (every breakdown), profiles.tgz (the raw CSVs), run.log.
set -uo pipefail
: "${OUT:?OUT must name the folder whose files come back}"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. bench/device-env.sh
PROFILES=${PROFILES:-"scenelabel-cb:scenelabel:1040x776:unit:tf32:cb:0.1:1 scenelabel-dense:scenelabel:1040x776:unit:tf32:dense:0:1"}
FRAMES=${FRAMES:-0:12}
STEP_TIMEOUT=${STEP_TIMEOUT:-240}
export CBINFER_DATA=$root/.device/data
work=/tmp/cbinfer-profile
rm -rf "$work" && mkdir -p "$work/csv" "$work/frames" target
log=$OUT/run.log
python3 -c 'import tarfile; tarfile.open(".device/jre.tar.xz").extractall("/tmp")'  # no xz tool there
J=(/tmp/jre/bin/java -Xmx32g -cp "$root/.device/lib/*")
ncu=$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu /usr/local/cuda/bin/ncu 2>/dev/null | head -1)
echo "device: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | head -1); $(date -u +%FT%TZ); ncu $ncu" | tee -a "$log"

for spec in $PROFILES; do
  IFS=: read -r name model size scale precision mode threshold cameras <<< "$spec"
  [ "$model" = posenet ] && model=$CBINFER_DATA/models/tfjs/posenet.json
  frames=$work/frames/vtest_$size.rgb
  [ -f "$frames" ] || python3 bench/decode_frames.py --video "$CBINFER_DATA/video/vtest.avi" --size "$size" \
    --frames 400 --out "$frames" >> "$log" 2>&1
  th=(--threshold "$threshold")
  [ -f "$threshold" ] && th=(--thresholds "$threshold")
  if [ "$mode" = dense ]; then run=(--mode dense --batch "$cameras" --iters 6 --warmup 0); else
    run=(--mode cb "${th[@]}" --cameras "$cameras" --warmup 3 --check-every 100); fi
  echo "=== $name: bench --model $model --size $size --precision $precision ${run[*]}" | tee -a "$log"
  timeout "$STEP_TIMEOUT" "$ncu" --target-processes all --graph-profiling node --clock-control none \
    --metrics gpu__time_duration.sum -f -o "$work/$name" \
    "${J[@]}" org.cbinfer.job.Cli bench --model "$model" --size "$size" --scale "$scale" --video "$frames" \
    --frames "$FRAMES" --backend cuda --precision "$precision" "${run[@]}" >> "$log" 2>&1
  echo "=== $name: exit $?" | tee -a "$log"
  "$ncu" -i "$work/$name.ncu-rep" --csv --page raw > "$work/csv/$name.csv" 2>> "$log"
  { echo "##### $name ($spec)"; python3 bench/kernel_breakdown.py "$work/csv/$name.csv" \
      --skip "$([ "$mode" = dense ] && echo 1 || echo 3)"; echo; } >> "$OUT/profile.txt" 2>&1
done
tar czf "$OUT/profiles.tgz" -C "$work/csv" .
head -c 20000 "$OUT/profile.txt"
