package dev.inference.nemotron.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Reads a snapshot a real {@code ndd serve} produced (captured into the test resource from a run on
 * a generated tiny checkpoint after four requests: autoregressive twice, self-speculation and
 * diffusion, 12 tokens each; its /metrics said forward passes 24 / 23 / 12 and tokens 24 / 12 /
 * 12).
 */
class RuntimeSnapshotTest {

  private static byte[] resource() throws IOException {
    try (InputStream in =
        RuntimeSnapshotTest.class.getResourceAsStream("/autoscale/runtime-snapshot.json")) {
      return in.readAllBytes();
    }
  }

  @Test
  void readsTheRuntimesCountersByModeAndItsHistograms() throws Exception {
    PodReading r = RuntimeSnapshot.read(resource(), "pod-a", Instant.EPOCH);
    assertThat(r.generatedTokens())
        .containsEntry("autoregressive", 24.0)
        .containsEntry("self-speculation", 12.0)
        .containsEntry("diffusion", 12.0);
    assertThat(r.forwardPasses())
        .containsEntry("autoregressive", 24.0)
        .containsEntry("self-speculation", 23.0)
        .containsEntry("diffusion", 12.0);
    assertThat(r.requestDuration().count()).isEqualTo(4);
    assertThat(r.timeToFirstToken().count()).isEqualTo(4);
    assertThat(r.requestDuration().quantileMillis(0.95)).isPositive();
    assertThat(r.queueDepth()).isZero();
  }

  @Test
  void somethingElseIsAClearError() {
    assertThatThrownBy(
            () ->
                RuntimeSnapshot.read(
                    "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8), "pod-b", Instant.EPOCH))
        .hasMessageContaining("pod pod-b")
        .hasMessageContaining("without counters and histograms");
  }
}
