package dev.inference.nemotron.pod.engine.cuda;

import java.util.Arrays;
import java.util.List;

/**
 * Every kernel the host code launches: the PTX module it lives in, its entry name, and the kinds of
 * the arguments {@link KernelLaunch} passes, in order. A test checks each against the {@code
 * .entry} signature in the built PTX, so a kernel renamed or re-parameterised in a {@code .cu} file
 * fails the build here instead of failing on the first GPU.
 */
public enum CudaKernel {
  EMBED("layers", "ndd_embed", Arg.PTR, Arg.I32, Arg.PTR, Arg.PTR, Arg.I32),
  RMSNORM("layers", "ndd_rmsnorm", Arg.PTR, Arg.PTR, Arg.PTR, Arg.I32, Arg.F64),
  ROPE(
      "layers",
      "ndd_rope",
      Arg.PTR,
      Arg.PTR,
      Arg.PTR,
      Arg.I32,
      Arg.I32,
      Arg.F32,
      Arg.F32,
      Arg.I32,
      Arg.I32),
  SWIGLU("layers", "ndd_swiglu", Arg.PTR, Arg.PTR, Arg.I64),
  ADD("layers", "ndd_add", Arg.PTR, Arg.PTR, Arg.I64),
  GATHER_ROWS("layers", "ndd_gather_rows", Arg.PTR, Arg.PTR, Arg.PTR, Arg.I32),
  SPLIT_BF16("layers", "ndd_split_bf16", Arg.PTR, Arg.PTR, Arg.PTR, Arg.I64),
  ATTENTION(
      "attention",
      "ndd_attention",
      Arg.PTR, // q
      Arg.PTR, // k
      Arg.PTR, // v
      Arg.PTR, // kPool
      Arg.PTR, // vPool
      Arg.PTR, // pageTable
      Arg.I32, // past
      Arg.I32, // pageSize
      Arg.PTR, // visibleLo
      Arg.PTR, // visibleHi
      Arg.PTR, // bitsOffset
      Arg.PTR, // bits
      Arg.I32, // rowOffset
      Arg.I32, // rows
      Arg.I32, // heads
      Arg.I32, // kvHeads
      Arg.I32, // headDim
      Arg.F32, // scale
      Arg.PTR), // out
  KV_WRITE(
      "attention",
      "ndd_kv_write",
      Arg.PTR,
      Arg.PTR,
      Arg.PTR,
      Arg.PTR,
      Arg.PTR,
      Arg.PTR,
      Arg.I32,
      Arg.I32,
      Arg.I32,
      Arg.I32),
  KV_READ("attention", "ndd_kv_read", Arg.PTR, Arg.PTR, Arg.I32, Arg.I32, Arg.I32, Arg.PTR),
  GEMV_BF16("gemv", "ndd_gemv_bf16", Arg.PTR, Arg.PTR, Arg.PTR, Arg.I32, Arg.I32, Arg.I32, Arg.I32),
  GEMV_F32("gemv", "ndd_gemv_f32", Arg.PTR, Arg.PTR, Arg.PTR, Arg.I32, Arg.I32, Arg.I32, Arg.I32),
  GEMV_INT8("gemv", "ndd_gemv_int8", quantizedGemv()),
  GEMV_INT8_ROW("gemv", "ndd_gemv_int8_row", quantizedGemv()),
  GEMV_INT4("gemv", "ndd_gemv_int4", quantizedGemv()),
  GEMV_INT4_ROW("gemv", "ndd_gemv_int4_row", quantizedGemv()),
  GEMV_FP8("gemv", "ndd_gemv_fp8", quantizedGemv()),
  GEMV_FP8_ROW("gemv", "ndd_gemv_fp8_row", quantizedGemv()),
  DEQUANTIZE_SPLIT(
      "gemv",
      "ndd_dequantize_split",
      Arg.PTR, // codes
      Arg.PTR, // scales
      Arg.I32, // scaleType
      Arg.I32, // format
      Arg.I32, // blockSize
      Arg.I32, // scaleRowStride
      Arg.I32, // firstRow
      Arg.I32, // tileRows
      Arg.I32, // inFeatures
      Arg.PTR, // hi
      Arg.PTR), // lo
  LORA_DOWN("gemv", "ndd_lora_down", Arg.PTR, Arg.PTR, Arg.PTR, Arg.PTR, Arg.I32, Arg.I32),
  LORA_UP("gemv", "ndd_lora_up", Arg.PTR, Arg.PTR, Arg.PTR, Arg.PTR, Arg.I32, Arg.I32, Arg.F32),
  ARGMAX(
      "sampling",
      "ndd_argmax",
      Arg.PTR, // logits
      Arg.PTR, // rows
      Arg.I32, // vocab
      Arg.I32, // excluded
      Arg.PTR, // ids
      Arg.PTR), // confidence
  SAMPLE(
      "sampling",
      "ndd_sample",
      Arg.PTR, // logits
      Arg.PTR, // rows
      Arg.I32, // vocab
      Arg.I32, // excluded
      Arg.F32, // temperature
      Arg.I32, // topK
      Arg.F32, // topP
      Arg.PTR, // uniforms
      Arg.PTR, // ids
      Arg.PTR); // confidence

  /** What one kernel argument is on the host, and the PTX parameter type it becomes. */
  public enum Arg {
    /** A device pointer ({@code CUdeviceptr}). */
    PTR("u64"),
    /** A Java int ({@code int} in CUDA). */
    I32("u32"),
    /** A Java long ({@code long} in CUDA on Linux). */
    I64("u64"),
    /** A Java float. */
    F32("f32"),
    /** A Java double. */
    F64("f64");

    private final String ptxType;

    Arg(String ptxType) {
      this.ptxType = ptxType;
    }

    /** The PTX {@code .param} type nvcc declares for it. */
    public String ptxType() {
      return ptxType;
    }
  }

  private final String module;
  private final String entry;
  private final List<Arg> args;

  /**
   * The parameters of every quantized GEMV ({@code ndd_gemv_int8|int4|fp8} and their one-row
   * variants): codes, scales, scaleType, blockSize (fp8: scaleRowStride), x, y, rows, outFeatures,
   * inFeatures, accumulate. A method, not a constant: an enum constant may not read a static field.
   */
  private static Arg[] quantizedGemv() {
    return new Arg[] {
      Arg.PTR, Arg.PTR, Arg.I32, Arg.I32, Arg.PTR, Arg.PTR, Arg.I32, Arg.I32, Arg.I32, Arg.I32
    };
  }

  CudaKernel(String module, String entry, Arg... args) {
    this.module = module;
    this.entry = entry;
    this.args = List.of(args);
  }

  /** The PTX module (source file name without {@code .cu}). */
  public String module() {
    return module;
  }

  /** The {@code extern "C"} entry name. */
  public String entry() {
    return entry;
  }

  /** The argument kinds in order. */
  public List<Arg> args() {
    return args;
  }

  /** The PTX parameter types the arguments map to. */
  public List<String> ptxTypes() {
    return args.stream().map(Arg::ptxType).toList();
  }

  /** The distinct modules the host loads. */
  public static List<String> modules() {
    return Arrays.stream(values()).map(CudaKernel::module).distinct().sorted().toList();
  }
}
