#!/usr/bin/env bash
# Compiles the CUDA kernels into one fatbin (SASS for sm_80/86/89/90, PTX for compute_90 so newer GPUs JIT it),
# packaged as a class-path resource. Called by Maven after the Java classes are compiled (process-classes): the
# constants Java and CUDA share are written first by org.cbinfer.kernels.cuda.KernelConstants. Skipped, with a
# message, when nvcc is not on the PATH: the build still succeeds and the CUDA backend then says its kernels were
# not built.
#   build.sh OUTPUT_FATBIN CLASSES_DIR JAVA
set -euo pipefail
src_dir=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUTPUT_FATBIN CLASSES_DIR JAVA}
classes=${2:?usage: build.sh OUTPUT_FATBIN CLASSES_DIR JAVA}
java=${3:-java}
if ! command -v nvcc >/dev/null 2>&1; then
    echo "[cuda] nvcc not found on the PATH: CUDA kernels not built (the CUDA backend will be unavailable)"
    rm -f "$out"
    exit 0
fi
gen=$(dirname "$classes")/generated-cuda
"$java" -cp "$classes" org.cbinfer.kernels.cuda.KernelConstants "$gen/cbinfer_constants.cuh"
newest=$(ls -t "$src_dir"/*.cu "$src_dir"/*.cuh "$src_dir"/build.sh "$gen/cbinfer_constants.cuh" | head -1)
if [[ -f "$out" && "$out" -nt "$newest" ]]; then
    echo "[cuda] $out is up to date"
    exit 0
fi
mkdir -p "$(dirname "$out")"
echo "[cuda] $(nvcc --version | tail -1): building $out"
nvcc -O3 -std=c++17 -I"$gen" --fatbin -o "$out.tmp" \
    -gencode arch=compute_80,code=sm_80 -gencode arch=compute_86,code=sm_86 \
    -gencode arch=compute_89,code=sm_89 -gencode arch=compute_90,code=sm_90 \
    -gencode arch=compute_90,code=compute_90 \
    "$src_dir/cbinfer.cu"
mv "$out.tmp" "$out"
