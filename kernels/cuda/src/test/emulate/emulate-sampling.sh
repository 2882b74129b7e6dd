#!/usr/bin/env bash
# Executes sampling.cu's kernels (ndd_argmax, ndd_sample) on the CPU, one host thread per CUDA
# thread (block_emulator.h), over random rows full of ties, and checks every pick against the host
# picker (TokenPicker.choose, the CPU decoders' rule) and every confidence against
# Logits.confidence. The one way to run the kernels' logic without a GPU; slow (minutes), so a
# manual check, not part of the build.
# Needs g++ with C++20 and a compiled inference-pod (e.g. mvn -pl kernels/cuda,inference-pod -am
# test-compile), and JDK 25 (bin/jdk25.sh).
# Usage: kernels/cuda/src/test/emulate/emulate-sampling.sh [VOCAB ROWS THREADS RULES]
#   defaults 5000 8 128 all; RULES is all (73 rules) or few (6); THREADS a power of 2 <= 1024.
# Ends in one line "emulate-sampling: PASS ..." or "emulate-sampling: FAIL ..."; exit 0 on PASS.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
root="$(cd "$here/../../../../.." && pwd)"
vocab=${1:-5000}
rows=${2:-8}
threads=${3:-128}
set_name=${4:-all}
classes="$root/inference-pod/target/classes"
[[ -d "$classes/dev" ]] || { echo "emulate-sampling: FAIL: compile inference-pod first ($classes)"; exit 1; }
. "$root/bin/jdk25.sh"
ndd_select_jdk25
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
g++ -std=c++20 -O2 -pthread -I"$root/kernels/cuda/src/main/cuda" -I"$here" \
  -o "$work/sampling_harness" "$here/sampling_harness.cpp"
java -cp "$classes" "$here/SamplingCheck.java" rules "$work" "$rows" "$set_name"
"$work/sampling_harness" "$vocab" "$rows" 7 "$threads" "$work"
java -cp "$classes" "$here/SamplingCheck.java" check "$work" "$vocab" "$rows" "$set_name"
