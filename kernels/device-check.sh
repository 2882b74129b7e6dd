#!/usr/bin/env bash
# The CUDA backend's check on a real GPU (one H100 expected), in one command:
#   kernels/device-check.sh
# It needs what the README's setup installs (JDK 25, Maven) plus what every GPU host has: the NVIDIA
# driver (nvidia-smi, libcuda.so.1), and the CUDA 12 cuBLAS runtime (libcublas.so.12) and a CUDA
# toolkit with nvcc (found via CUDA_HOME, PATH or /usr/local/cuda) to build the PTX.
# Steps: build (PTX for sm_80/90/100, ptxas-validated), the device tests (GPU forward = CPU forward
# for the float formats and for int8/int4/fp8 on the same quantized checkpoint, KV crop, decoders at
# T=0 picking tokens on the device, device picks = host picks, batch of 16 = 16 singles, decode
# steps as CUDA graphs = plain launches; they must run, not skip), a 1.5B-shaped and an 8B-shaped
# random checkpoint, `ndd bench --backend cuda` at 1/8/32 rows
# (BF16 and int8 for both; int4 and fp8, quantized at load, for the 8B; the 8B BF16 once more with
# CUDA graphs off), with the achieved weight bandwidth against the data sheet. Ends in ONE summary
# line starting "device-check: PASS" or "device-check: FAIL"; exit status 0 only on PASS.
# Scratch space: $NDD_DEVICE_CHECK_DIR (default /tmp/ndd-device-check), about 20 GB.
set -uo pipefail

root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
work="${NDD_DEVICE_CHECK_DIR:-/tmp/ndd-device-check}"
start=$SECONDS
results=()

fail() {
  echo "device-check: FAIL after $((SECONDS - start)) s: $*" >&2
  exit 1
}

step() { echo; echo "== $* ($((SECONDS - start)) s)"; }

# --- 1. The machine --------------------------------------------------------------------------
step "device"
command -v nvidia-smi >/dev/null 2>&1 \
  || fail "no NVIDIA driver here (nvidia-smi not found); run this on a machine with a GPU"
gpu=$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1 | head -n 1) \
  || fail "nvidia-smi cannot talk to the driver: $gpu"
[[ -n "$gpu" ]] || fail "nvidia-smi lists no GPU"
echo "GPU: $gpu"
driver_major=$(echo "$gpu" | awk -F', ' '{print $3}' | cut -d. -f1)
if [[ -n "$driver_major" && "$driver_major" -lt 580 ]]; then
  fail "driver $driver_major is older than R580: it cannot load the PTX ISA 9.0 that nvcc 13 writes"
fi
case "$gpu" in
  *H100*) ;;
  *) echo "note: not an H100; the check runs, the figures are for this GPU" ;;
esac
if [[ -z "${CUDA_HOME:-}" ]] && ! command -v nvcc >/dev/null 2>&1 && [[ -x /usr/local/cuda/bin/nvcc ]]; then
  export CUDA_HOME=/usr/local/cuda
fi
if [[ -n "${CUDA_HOME:-}" && -x "$CUDA_HOME/bin/nvcc" ]]; then
  echo "nvcc: $CUDA_HOME/bin/nvcc"
elif command -v nvcc >/dev/null 2>&1; then
  echo "nvcc: $(command -v nvcc)"
else
  fail "no nvcc (CUDA_HOME, PATH, /usr/local/cuda/bin): install the CUDA toolkit to build the PTX"
fi
if ! ldconfig -p 2>/dev/null | grep -q 'libcublas\.so\.12' \
   && ! find ${LD_LIBRARY_PATH//:/ } /usr/local/cuda/lib64 -maxdepth 1 -name 'libcublas.so.12*' 2>/dev/null | grep -q .; then
  fail "libcublas.so.12 (CUDA 12 cuBLAS, which JCuda 12.6 binds to) is not on the library path"
fi

# --- 2. Build and device tests ---------------------------------------------------------------
. "$root/bin/jdk25.sh"
ndd_select_jdk25
cd "$root" || fail "cannot enter $root"
step "build and device tests"
log="$work/build.log"
mkdir -p "$work"
tests='PtxBuildTest,CudaKernelSignatureTest,LaunchGeometryAndMemoryPlanTest,QuantizedGeometryAndMemoryPlanTest'
tests="$tests,DecodeGraphPolicyTest,CudaForwardPassDeviceTest,CudaQuantizedForwardDeviceTest,CudaGraphDeviceTest"
tests="$tests,DeviceLogitsPickerTest,DeviceLogitsDeviceTest"
if ! mvn -B -pl kernels/cuda,inference-pod -am verify -Dtest="$tests" \
    -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1; then
  grep -E "ERROR|FAIL" "$log" | head -n 30
  fail "build or device tests failed (full log: $log)"
fi
grep -E "ptx|Tests run:" "$log" | grep -v "^\[INFO\] Running" | tail -n 8
ran_all=0
for device_test in CudaForwardPassDeviceTest CudaQuantizedForwardDeviceTest CudaGraphDeviceTest DeviceLogitsDeviceTest; do
  report="$root/inference-pod/target/surefire-reports/TEST-dev.inference.nemotron.pod.engine.cuda.$device_test.xml"
  [[ -f "$report" ]] || fail "no device test report at $report"
  ran=$(grep -o 'tests="[0-9]*"' "$report" | head -n 1 | tr -dc 0-9)
  skipped=$(grep -o 'skipped="[0-9]*"' "$report" | head -n 1 | tr -dc 0-9)
  if [[ "$skipped" != "0" ]]; then
    reason=$(grep -o 'Assumption failed: [^&]*' "$report" | head -n 1)
    fail "the device tests of $device_test were skipped on this GPU: ${reason:-see $report}"
  fi
  ran_all=$((ran_all + ran))
done
results+=("device tests $ran_all/$ran_all passed")
# The runtime jar and its libraries for bin/ndd.
mvn -B -q -o -pl kernels/cuda,inference-pod -am package -DskipTests >>"$log" 2>&1 \
  || fail "packaging the runtime failed (log: $log)"

# --- 3. Checkpoints --------------------------------------------------------------------------
ndd="$root/bin/ndd"
# 1.5B-shaped: H 1536, 28 layers, MLP 8960, 12 query heads over 2 KV heads of 128.
# 8B-shaped: MODEL.md section 1. The vocabulary comes from a real tokenizer (the shared fixtures'
# Qwen3 one, 151669 ids, close to the model's 131072) so that the LM head has a realistic size; the
# generated tokenizer only trains ~1200 ids.
vocab_args=""
fixture="$root/../shared/fixtures/tokenizers/qwen3"
if [[ -f "$fixture/tokenizer.json" ]]; then
  vocab_args="--tokenizer $fixture"
else
  echo "note: no $fixture: the checkpoints get the small generated vocabulary (LM head not to scale)"
fi
declare -A shapes=(
  [1.5b]="--hidden 1536 --layers 28 --intermediate 8960 --heads 12 --kv-heads 2 --head-dim 128 $vocab_args"
  [8b]="--hidden 4096 --layers 34 --intermediate 14336 --heads 32 --kv-heads 8 --head-dim 128 $vocab_args"
)
for name in 1.5b 8b; do
  step "checkpoint $name"
  dir="$work/$name-bf16"
  if [[ ! -f "$dir/config.json" ]]; then
    # shellcheck disable=SC2086
    "$ndd" tiny-checkpoint --out "$dir" ${shapes[$name]} --original-max-positions 16384 \
      || fail "could not write the $name checkpoint to $dir"
  fi
  du -sh "$dir"
done
can_quantize=no
if "$ndd" help quantize >/dev/null 2>&1; then
  can_quantize=yes
fi

# --- 4. Benchmarks ---------------------------------------------------------------------------
bench() { # name format dir [more ndd bench flags]
  local out="$work/bench-$1-$2.txt"
  step "ndd bench --backend cuda: $1 $2"
  # shellcheck disable=SC2086
  if ! "$ndd" bench --backend cuda --model "$3" --rows 1,8,32 --iterations 20 --context 512 \
      --bandwidth-mb 256 ${4:-} >"$out" 2>&1; then
    cat "$out"
    return 1
  fi
  cat "$out"
  # The engine line names the data-sheet bandwidth; the table gives ms and weight GB/s per size.
  local peak one eight thirtytwo gbps
  peak=$(grep -o 'data-sheet bandwidth [0-9]*' "$out" | tr -dc 0-9)
  one=$(awk '$1 == "1" && NF >= 8 {print $2; exit}' "$out")
  eight=$(awk '$1 == "8" && NF >= 8 {print $2; exit}' "$out")
  thirtytwo=$(awk '$1 == "32" && NF >= 8 {print $2; exit}' "$out")
  gbps=$(awk '$1 == "1" && NF >= 8 {print $7; exit}' "$out")
  local line
  line=$(awk -v n="$1 $2" -v one="$one" -v e="$eight" -v t="$thirtytwo" -v g="$gbps" -v p="$peak" \
    'BEGIN { printf "%s: 1 row %.2f ms (%.0f tok/s), %.0f GB/s = %.0f%% of %s GB/s; 8 rows %.2fx, 32 rows %.2fx",
             n, one, 1000 / one, g, (p > 0 ? 100 * g / p : 0), p, e / one, t / one }')
  echo "$line"
  results+=("$line")
}
for name in 1.5b 8b; do
  bench "$name" bf16 "$work/$name-bf16" || fail "ndd bench --backend cuda failed on $name bf16"
  if [[ $can_quantize == yes ]]; then
    q="$work/$name-int8"
    if [[ -f "$q/config.json" ]] || "$ndd" quantize --model "$work/$name-bf16" --to int8 --out "$q" >"$work/quantize-$name.txt" 2>&1; then
      bench "$name" int8 "$q" || results+=("$name int8: ndd bench --backend cuda failed (see $work/bench-$name-int8.txt)")
    else
      results+=("$name int8: quantize failed (see $work/quantize-$name.txt)")
    fi
  else
    results+=("$name int8: skipped (this build has no ndd quantize)")
  fi
done
# int4 and fp8 on the 8B, quantized at load (no 5-9 GB copies on disk); then BF16 with the decode
# step as plain launches, to see what the CUDA graph buys. Each costs a load of the 8B (and a
# quantization on the host), so they run only while the check is inside its 8-minute budget.
extra_budget=${NDD_DEVICE_CHECK_EXTRA_UNTIL_S:-330}
for extra in int4 fp8 bf16-no-graphs; do
  if (( SECONDS - start > extra_budget )); then
    results+=("8b $extra: skipped (past ${extra_budget} s of the 8-minute budget)")
    continue
  fi
  case $extra in
    bf16-no-graphs)
      NDD_JAVA_OPTS="${NDD_JAVA_OPTS:-} -Dndd.cuda.graph=off" bench 8b "$extra" "$work/8b-bf16" ;;
    *) bench 8b "$extra" "$work/8b-bf16" "--quantization $extra" ;;
  esac || results+=("8b $extra: ndd bench --backend cuda failed (see $work/bench-8b-$extra.txt)")
done

summary=$(printf '%s; ' "${results[@]}")
summary=${summary%; }
echo
echo "device-check: PASS in $((SECONDS - start)) s on $gpu: $summary"
