#!/usr/bin/env bash
# Compiles the CUDA kernels into one fatbin (SASS for sm_80/86/89/90, PTX for compute_90 so newer GPUs JIT it),
# packaged as a class-path resource. Called by Maven (generate-resources); skipped, with a message, when nvcc is
# not on the PATH: the build still succeeds and the CUDA backend then says its kernels were not built.
set -euo pipefail
src_dir=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUTPUT_FATBIN}
if ! command -v nvcc >/dev/null 2>&1; then
    echo "[cuda] nvcc not found on the PATH: CUDA kernels not built (the CUDA backend will be unavailable)"
    rm -f "$out"
    exit 0
fi
newest=$(find "$src_dir" -name '*.cu' -o -name '*.cuh' -o -name build.sh | xargs ls -t | head -1)
if [[ -f "$out" && "$out" -nt "$newest" ]]; then
    echo "[cuda] $out is up to date"
    exit 0
fi
mkdir -p "$(dirname "$out")"
echo "[cuda] $(nvcc --version | tail -1): building $out"
nvcc -O3 -std=c++17 --fatbin -o "$out.tmp" \
    -gencode arch=compute_80,code=sm_80 -gencode arch=compute_86,code=sm_86 \
    -gencode arch=compute_89,code=sm_89 -gencode arch=compute_90,code=sm_90 \
    -gencode arch=compute_90,code=compute_90 \
    "$src_dir/cbinfer.cu"
mv "$out.tmp" "$out"
