package dev.inference.nemotron.pod.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.ForwardPassFactory;
import dev.inference.nemotron.pod.engine.ForwardPassFactory.Backend;
import dev.inference.nemotron.pod.engine.cpu.CpuForwardPass;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.QuantizationPlan;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The backend choice: auto falls back to the CPU with one line, cuda without a device refuses. */
class ForwardPassFactoryTest {
  private static final CudaProbe.Result NO_DRIVER =
      new CudaProbe.Result(Optional.empty(), "no CUDA driver could be loaded (libcuda.so.1)");
  private static final CudaProbe.Result H100 =
      new CudaProbe.Result(Optional.of(DeviceProfile.H100), "");

  @TempDir Path root;

  @Test
  void backendsParseAndRefuseOthers() {
    assertThat(Backend.parse(" CUDA ")).isEqualTo(Backend.CUDA);
    assertThat(Backend.parse("auto")).isEqualTo(Backend.AUTO);
    assertThatThrownBy(() -> Backend.parse("rocm"))
        .hasMessage("the backend must be auto, cpu or cuda, got 'rocm'");
  }

  @Test
  void cpuNeverProbes() {
    ForwardPassFactory.Choice c =
        ForwardPassFactory.choose(
            Backend.CPU,
            () -> {
              throw new AssertionError("probed");
            },
            Optional::empty);
    assertThat(c.backend()).isEqualTo(Backend.CPU);
    assertThat(c.fallbackReason()).isEmpty();
  }

  @Test
  void autoFallsBackWithTheProbesReason() {
    ForwardPassFactory.Choice c =
        ForwardPassFactory.choose(Backend.AUTO, () -> NO_DRIVER, Optional::empty);
    assertThat(c.backend()).isEqualTo(Backend.CPU);
    assertThat(c.fallbackReason()).contains(NO_DRIVER.reason());
  }

  @Test
  void autoFallsBackWhenTheModelDoesNotFitAndCudaRefuses() {
    Optional<String> tooBig = Optional.of("the model does not fit on H100: it needs 90 GiB");
    assertThat(ForwardPassFactory.choose(Backend.AUTO, () -> H100, () -> tooBig).fallbackReason())
        .isEqualTo(tooBig);
    assertThatThrownBy(() -> ForwardPassFactory.choose(Backend.CUDA, () -> H100, () -> tooBig))
        .hasMessage(tooBig.get());
    assertThat(ForwardPassFactory.choose(Backend.AUTO, () -> H100, Optional::empty).backend())
        .isEqualTo(Backend.CUDA);
  }

  @Test
  void cudaRequestedWithoutADeviceSaysWhy() {
    assertThatThrownBy(
            () -> ForwardPassFactory.choose(Backend.CUDA, () -> NO_DRIVER, Optional::empty))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the CUDA backend was requested but cannot run: " + NO_DRIVER.reason());
  }

  /** On this machine (no GPU) the real probe fails, and auto runs on the CPU saying why, once. */
  @Test
  void autoRunsOnTheCpuHereWithOneLine() throws Exception {
    assumeFalse(CudaProbe.probe().usable(), "a usable GPU is present: nothing falls back");
    Path dir = root.resolve("tiny");
    TinyCheckpoint.write(
        new TinyCheckpointSpec(32, 1, 64, 4, 2, 8, 384, DType.BF16, 1, 24, 10000, 8, 1, 0, null),
        dir);
    try (Checkpoint checkpoint = Checkpoint.open(dir)) {
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      ForwardPass pass =
          ForwardPassFactory.create(
              Backend.AUTO,
              checkpoint.config(),
              checkpoint.weights(),
              Optional.empty(),
              new PrintStream(log, true, StandardCharsets.UTF_8));
      assertThat(pass).isInstanceOf(CpuForwardPass.class);
      String text = log.toString(StandardCharsets.UTF_8);
      assertThat(text.lines()).hasSize(1);
      assertThat(text)
          .startsWith("ndd: backend auto: running on the CPU because ")
          .contains(CudaProbe.probe().reason());
      assertThatThrownBy(
              () ->
                  ForwardPassFactory.create(
                      Backend.CUDA,
                      checkpoint.config(),
                      checkpoint.weights(),
                      Optional.empty(),
                      new PrintStream(log, true, StandardCharsets.UTF_8)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("the CUDA backend was requested but cannot run: ");
    }
  }

  /**
   * Quantized weights (quantized at load here) no longer keep CUDA away: on an H100 they fit with
   * room to spare, so auto chooses CUDA; on this machine (no GPU) auto still runs on the CPU with
   * the probe's one line, and cuda refuses with it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"int8", "int4", "fp8"})
  void quantizedWeightsRunOnCudaAndStillFallBackCleanlyHere(String format) throws Exception {
    Path dir = root.resolve("tiny-q-" + format);
    TinyCheckpoint.write(
        new TinyCheckpointSpec(32, 1, 64, 4, 2, 8, 384, DType.BF16, 1, 24, 10000, 8, 1, 0, null),
        dir);
    try (Checkpoint q = Checkpoint.open(dir, true, QuantizationPlan.parse(format))) {
      assertThat(q.weights().layers().get(0).qProj().isQuantized()).isTrue();
      Optional<String> fit =
          CudaForwardPass.fitProblem(q.config(), q.weights(), Optional.empty(), DeviceProfile.H100);
      assertThat(fit).isEmpty();
      ForwardPassFactory.Choice choice =
          ForwardPassFactory.choose(Backend.AUTO, () -> H100, () -> fit);
      assertThat(choice.backend()).isEqualTo(Backend.CUDA);
      assertThat(choice.fallbackReason()).isEmpty();
      // The plan counts the codes and scales, not widened floats: less than the BF16 weights.
      try (Checkpoint plain = Checkpoint.open(dir, true, null)) {
        assertThat(CudaForwardPass.deviceWeights(q.weights(), Optional.empty()).bytes())
            .isLessThan(CudaForwardPass.deviceWeightBytes(plain.weights(), Optional.empty()));
      }
      if (CudaProbe.probe().usable()) {
        return; // the fallback below is what a machine without a GPU does
      }
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      ForwardPass pass =
          ForwardPassFactory.create(
              Backend.AUTO,
              q.config(),
              q.weights(),
              Optional.empty(),
              new PrintStream(log, true, StandardCharsets.UTF_8));
      assertThat(pass).isInstanceOf(CpuForwardPass.class);
      String text = log.toString(StandardCharsets.UTF_8);
      assertThat(text.lines()).hasSize(1);
      assertThat(text)
          .startsWith("ndd: backend auto: running on the CPU because ")
          .contains(CudaProbe.probe().reason())
          .doesNotContain("quantized");
      assertThatThrownBy(
              () ->
                  ForwardPassFactory.create(
                      Backend.CUDA,
                      q.config(),
                      q.weights(),
                      Optional.empty(),
                      new PrintStream(log, true, StandardCharsets.UTF_8)))
          .hasMessageStartingWith("the CUDA backend was requested but cannot run: ");
    }
  }
}
