package dev.inference.nemotron.pod.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WeightScanTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"BF16", "F16", "F32"})
  void findsAnInfWeightWrittenIntoACheckpointNamingTensorAndIndex(DType dtype) throws Exception {
    RandomWeights.write(CheckpointTest.smallConfig(), dtype, 5, 1, 0, dir);
    try (Checkpoint clean = Checkpoint.open(dir)) {
      assertThat(WeightScan.firstNonFinite(clean.weights())).isEmpty();
    }
    String tensor = "encoder.layers.1.mlp.up_proj.weight";
    SafetensorsPatch.setElement(
        dir.resolve("model.safetensors"), tensor, 37, Float.POSITIVE_INFINITY);
    SafetensorsPatch.setElement(
        dir.resolve("model.safetensors"), "diffusion_head.weight", 3, Float.NaN);
    try (Checkpoint c = Checkpoint.open(dir)) {
      WeightScan.NonFinite found = WeightScan.firstNonFinite(c.weights()).orElseThrow();
      assertThat(found.tensor()).isEqualTo(tensor);
      assertThat(found.index()).isEqualTo(37);
      assertThat(found.value()).isEqualTo(Float.POSITIVE_INFINITY);
      assertThat(found).hasToString(tensor + "[37] = Infinity");
      assertThat(WeightScan.firstNonFinite(c.weights().lmHead()).orElseThrow().index())
          .isEqualTo(3);
    }
  }

  @Test
  void findsEveryPositionOfEveryLengthThroughTheWordAtATimePath() {
    for (int length = 1; length <= 11; length++) {
      for (int at = 0; at < length; at++) {
        for (float bad : new float[] {Float.NaN, Float.NEGATIVE_INFINITY}) {
          float[] values = new float[length];
          Arrays.fill(values, 3.4e38f);
          values[at] = bad;
          Tensor t = Tensor.ofFloats("t", values, length);
          assertThat(WeightScan.firstNonFinite(t).orElseThrow().index())
              .as("length %d, at %d", length, at)
              .isEqualTo(at);
        }
        float[] finite = new float[length];
        Arrays.fill(finite, -Float.MAX_VALUE);
        assertThat(WeightScan.firstNonFinite(Tensor.ofFloats("t", finite, length))).isEmpty();
      }
    }
  }
}
