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
