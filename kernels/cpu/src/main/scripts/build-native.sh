#!/usr/bin/env bash
# Compiles src/main/c/*.c into one shared library per x86-64 instruction-set level, written as
# OUT/native/linux-x86_64/libndd_cpu_LEVEL.so, plus OUT/native/index.txt listing them.
#   avx2    -mavx2 -mfma -mf16c                         (8-float vectors)
#   avx512  -mavx512f -mavx512bw -mavx512vl -mavx512dq  (16-float vectors)
# Every level is compiled whatever this machine runs: the runtime picks one from the CPU's flags.
# Without gcc, or on a host that is not x86-64 Linux, the build goes on: one warning, and
# OUT/native/NOT-BUILT.txt says why (the runtime then uses the Java kernels).
# -ffp-contract=off: the kernels must round every scalar product and sum as Java does (bit identity).
# Usage: build-native.sh SOURCE_DIR OUTPUT_DIR
set -euo pipefail

src=$1
out=$2/native

rm -rf "$out"
mkdir -p "$out"

not_built() {
  echo "[WARNING] kernels/cpu: $1" >&2
  echo "$1" > "$out/NOT-BUILT.txt"
  exit 0
}

if [[ "$(uname -s)" != "Linux" || "$(uname -m)" != "x86_64" ]]; then
  not_built "this build ran on $(uname -s) $(uname -m), not Linux x86-64, so it holds no native CPU kernels; the runtime uses the Java (Vector API) kernels"
fi
cc=${NDD_CC:-gcc}
if ! command -v "$cc" >/dev/null 2>&1; then
  not_built "$cc was not found on PATH when this build ran, so it holds no native CPU kernels; install gcc and rebuild to get them (the runtime uses the Java kernels meanwhile)"
fi

shopt -s nullglob
sources=("$src"/*.c)
if [[ ${#sources[@]} -eq 0 ]]; then
  echo "[ERROR] kernels/cpu: no .c files in $src" >&2
  exit 1
fi

declare -A levels=(
  [avx2]="-mavx2 -mfma -mf16c"
  [avx512]="-mavx512f -mavx512bw -mavx512vl -mavx512dq -mfma -mf16c"
)
mkdir -p "$out/linux-x86_64"
for level in avx2 avx512; do
  lib="$out/linux-x86_64/libndd_cpu_$level.so"
  # shellcheck disable=SC2086
  "$cc" -std=gnu11 -O3 -fPIC -shared -pthread -fvisibility=hidden -ffp-contract=off -fno-fast-math \
    -Wall -Wextra -Werror ${levels[$level]} -o "$lib" "${sources[@]}"
  echo "linux-x86_64/libndd_cpu_$level.so" >> "$out/index.txt"
done
echo "kernels/cpu: $("$cc" --version | head -1): built $(tr '\n' ' ' < "$out/index.txt")"
