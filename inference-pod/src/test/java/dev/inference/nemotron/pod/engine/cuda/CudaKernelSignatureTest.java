package dev.inference.nemotron.pod.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inference.nemotron.kernels.cuda.PtxEntry;
import dev.inference.nemotron.kernels.cuda.PtxLibrary;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every kernel the host launches exists in the built PTX of every architecture, with exactly the
 * parameter types the host packs: checked from the PTX text, without a GPU.
 */
class CudaKernelSignatureTest {
  private static final List<String> QUANTIZED_GEMV =
      List.of(
          "ndd_gemv_int8",
          "ndd_gemv_int8_row",
          "ndd_gemv_int4",
          "ndd_gemv_int4_row",
          "ndd_gemv_fp8",
          "ndd_gemv_fp8_row");

  @Test
  void everyHostKernelMatchesItsPtxEntry() {
    PtxLibrary ptx = PtxLibrary.onClassPath();
    assumeTrue(ptx.available(), () -> ptx.unavailableReason().orElseThrow());
    assertThat(ptx.modules()).containsAll(CudaKernel.modules());
    for (int arch : ptx.architectures()) {
      for (String module : CudaKernel.modules()) {
        Map<String, PtxEntry> entries =
            PtxEntry.parse(ptx.text(arch, module)).stream()
                .collect(Collectors.toMap(PtxEntry::name, Function.identity()));
        for (CudaKernel k : CudaKernel.values()) {
          if (!k.module().equals(module)) {
            continue;
          }
          assertThat(entries)
              .as("sm_%d/%s.ptx must define %s", arch, module, k.entry())
              .containsKey(k.entry());
          assertThat(entries.get(k.entry()).parameterTypes())
              .as("parameters of %s in sm_%d (host passes %s)", k.entry(), arch, k.args())
              .isEqualTo(k.ptxTypes());
        }
      }
    }
  }

  /**
   * The quantized kernels' parameter lists as gemv.cu declares them, stated here from the C
   * signatures (pointers u64, ints u32), so a reordering in the .cu file or in {@link CudaKernel}
   * fails here even if both were changed together.
   */
  @Test
  void theQuantizedKernelsTakeWhatTheHostPasses() {
    PtxLibrary ptx = PtxLibrary.onClassPath();
    assumeTrue(ptx.available(), () -> ptx.unavailableReason().orElseThrow());
    // (codes, scales, scaleType, blockSize | scaleRowStride, x, y, rows, out, in, accumulate)
    List<String> gemv =
        List.of("u64", "u64", "u32", "u32", "u64", "u64", "u32", "u32", "u32", "u32");
    // (codes, scales, scaleType, format, blockSize, scaleRowStride, firstRow, tileRows, in, hi, lo)
    List<String> dequantize =
        List.of("u64", "u64", "u32", "u32", "u32", "u32", "u32", "u32", "u32", "u64", "u64");
    for (int arch : ptx.architectures()) {
      Map<String, PtxEntry> entries = entries(ptx, arch, "gemv");
      for (String name : QUANTIZED_GEMV) {
        assertThat(entries.get(name).parameterTypes()).as("%s sm_%d", name, arch).isEqualTo(gemv);
      }
      assertThat(entries.get("ndd_dequantize_split").parameterTypes()).isEqualTo(dequantize);
      assertThat(CudaKernel.GEMV_INT4.ptxTypes()).isEqualTo(gemv);
      assertThat(CudaKernel.DEQUANTIZE_SPLIT.ptxTypes()).isEqualTo(dequantize);
    }
  }

  /**
   * What keeps the quantized GEMV memory-bound, checked in the PTX: 16-byte code loads; int8 and
   * int4 codes become floats by byte permutes, not int-to-float conversions (16/clk/SM); fp8 uses
   * the hardware E4M3x2 conversion where the architecture has one (sm_89+).
   */
  @Test
  void theQuantizedGemvBodiesStreamAndDecodeAsDesigned() {
    PtxLibrary ptx = PtxLibrary.onClassPath();
    assumeTrue(ptx.available(), () -> ptx.unavailableReason().orElseThrow());
    for (int arch : ptx.architectures()) {
      String text = ptx.text(arch, "gemv");
      for (String name : QUANTIZED_GEMV) {
        String body = body(text, name);
        assertThat(body).as("%s sm_%d", name, arch).contains("ld.global.nc.v4.u32");
        assertThat(body).doesNotContain("cvt.rn.f32.s32").doesNotContain("cvt.rn.f32.u32");
        if (!name.contains("fp8")) {
          assertThat(body).contains("prmt.b32");
        }
      }
      if (arch >= 90) {
        assertThat(body(text, "ndd_gemv_fp8")).contains("e4m3x2");
        assertThat(body(text, "ndd_gemv_fp8_row")).contains("e4m3x2");
      }
    }
  }

  private static Map<String, PtxEntry> entries(PtxLibrary ptx, int arch, String module) {
    return PtxEntry.parse(ptx.text(arch, module)).stream()
        .collect(Collectors.toMap(PtxEntry::name, Function.identity()));
  }

  /** The PTX text of one entry, from its {@code .entry} line to the next entry (or the end). */
  private static String body(String ptx, String entry) {
    int start = ptx.indexOf(".entry " + entry + "(");
    assertThat(start).as("entry %s", entry).isNotNegative();
    int next = ptx.indexOf(".entry ", start + 1);
    return ptx.substring(start, next < 0 ? ptx.length() : next);
  }

  @Test
  void theParserReadsAnEntryNvccWrites() {
    String text =
        ".visible .entry ndd_x(\n\t.param .u64 .ptr .align 1 ndd_x_param_0,\n\t.param .u32 ndd_x_param_1,\n"
            + "\t.param .f32 ndd_x_param_2,\n\t.param .f64 ndd_x_param_3\n)\n{ ret; }\n"
            + ".visible .entry ndd_y()\n{ ret; }\n";
    assertThat(PtxEntry.parse(text))
        .containsExactly(
            new PtxEntry("ndd_x", List.of("u64", "u32", "f32", "f64")),
            new PtxEntry("ndd_y", List.of()));
  }
}
