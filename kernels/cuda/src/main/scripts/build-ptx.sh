#!/usr/bin/env bash
# Compiles every src/main/cuda/*.cu to PTX for each target architecture and validates each PTX
# with ptxas (no GPU needed), writing OUT/ptx/sm_XX/NAME.ptx and OUT/ptx/index.txt.
# Without nvcc (CUDA_HOME/bin, then PATH) the build goes on: one warning, and OUT/ptx/NOT-BUILT.txt
# says why, so that the tests needing PTX skip with that reason and the runtime refuses the CUDA
# backend with it.
# Usage: build-ptx.sh SOURCE_DIR OUTPUT_DIR "80 90 100"
set -euo pipefail

src=$1
out=$2/ptx
archs=${3:-"80 90 100"}

rm -rf "$out"
mkdir -p "$out"

nvcc=""
if [[ -n "${CUDA_HOME:-}" && -x "$CUDA_HOME/bin/nvcc" ]]; then
  nvcc="$CUDA_HOME/bin/nvcc"
elif command -v nvcc >/dev/null 2>&1; then
  nvcc=$(command -v nvcc)
fi
if [[ -z "$nvcc" ]]; then
  reason="nvcc was not found (neither \$CUDA_HOME/bin/nvcc nor on PATH) when this build ran, so it holds no PTX kernels; install the CUDA toolkit (nvcc, ptxas) and rebuild to get the CUDA backend"
  echo "[WARNING] kernels/cuda: $reason" >&2
  echo "$reason" > "$out/NOT-BUILT.txt"
  exit 0
fi
ptxas="$(dirname "$nvcc")/ptxas"
if [[ ! -x "$ptxas" ]]; then
  ptxas=$(command -v ptxas || true)
fi
if [[ -z "$ptxas" ]]; then
  echo "[ERROR] kernels/cuda: nvcc is at $nvcc but ptxas is missing; the PTX cannot be validated" >&2
  exit 1
fi

echo "kernels/cuda: $("$nvcc" --version | tail -1) at $nvcc; ptxas at $ptxas"
shopt -s nullglob
sources=("$src"/*.cu)
if [[ ${#sources[@]} -eq 0 ]]; then
  echo "[ERROR] kernels/cuda: no .cu files in $src" >&2
  exit 1
fi
for arch in $archs; do
  mkdir -p "$out/sm_$arch"  # nvcc -ptx -o writes nothing (and exits 0) when the directory is missing
  for cu in "${sources[@]}"; do
    name=$(basename "$cu" .cu)
    ptx="$out/sm_$arch/$name.ptx"
    "$nvcc" -ptx -O3 -std=c++17 -arch="sm_$arch" -I"$src" -o "$ptx" "$cu"
    if [[ ! -s "$ptx" ]]; then
      echo "[ERROR] kernels/cuda: nvcc exited 0 but wrote no $ptx" >&2
      exit 1
    fi
    "$ptxas" -arch="sm_$arch" -O3 "$ptx" -o /dev/null
    echo "sm_$arch/$name.ptx" >> "$out/index.txt"
  done
done
echo "kernels/cuda: $(wc -l < "$out/index.txt") PTX files built and validated by ptxas for sm_${archs// /, sm_}"
