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

  @Test
  void quantizedWeightsKeepCudaAwayWithTheTensorsName() throws Exception {
    Path dir = root.resolve("tiny-q");
    TinyCheckpoint.write(
        new TinyCheckpointSpec(32, 1, 64, 4, 2, 8, 384, DType.BF16, 1, 24, 10000, 8, 1, 0, null),
        dir);
    try (Checkpoint plain = Checkpoint.open(dir, true, null);
        Checkpoint int8 = Checkpoint.open(dir, true, QuantizationPlan.parse("int8"))) {
      assertThat(ForwardPassFactory.quantizedWeights(plain.weights())).isEmpty();
      assertThat(ForwardPassFactory.quantizedWeights(int8.weights()))
          .get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .startsWith("the CUDA backend loads BF16, F16 or F32 weights only and ")
          .contains("q_proj")
          .contains("is quantized");
      // with a usable device, auto would still run these weights on the CPU, saying why
      ForwardPassFactory.Choice choice =
          ForwardPassFactory.choose(
              Backend.AUTO, () -> H100, () -> ForwardPassFactory.quantizedWeights(int8.weights()));
      assertThat(choice.backend()).isEqualTo(Backend.CPU);
      assertThat(choice.fallbackReason()).get().asString().contains("is quantized");
    }
  }
}
