# Sourced by the device scripts: where the GPU machine keeps NVIDIA's libraries. The CUDA backend loads the
# machine's own CUDA 13 runtime, cuBLAS/cuBLASLt 13 and cuDNN 9 (JavaCPP's presets carry JNI wrappers only); when the
# dynamic linker cannot find them already (ldconfig), the folders that hold them are added to LD_LIBRARY_PATH: a
# CUDA toolkit's, and the nvidia-* wheels of a Python install such as PyTorch's.
nvidia_library_dirs() {
  local lib dir
  for lib in libcudart.so.13 libcublasLt.so.13 libcudnn.so.9 libnvjpeg.so.13; do
    ldconfig -p 2>/dev/null | grep -q "$lib" && continue
    dir=$(find /usr/local/cuda*/targets/x86_64-linux/lib /usr/local/cuda*/lib64 /opt /usr/lib/python3* /usr/local/lib/python3* \
      -name "$lib" -print -quit 2>/dev/null | xargs -r dirname)
    [ -n "$dir" ] && printf '%s\n' "$dir"
  done | awk '!seen[$0]++' | paste -sd: -
}
extra=$(nvidia_library_dirs)
[ -n "$extra" ] && export LD_LIBRARY_PATH=$extra${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
echo "NVIDIA libraries: LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
