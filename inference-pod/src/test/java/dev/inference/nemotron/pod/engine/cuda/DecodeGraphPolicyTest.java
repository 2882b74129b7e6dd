package dev.inference.nemotron.pod.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inference.nemotron.pod.engine.cuda.DecodeGraphPolicy.Action;
import java.util.List;
import java.util.Optional;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

/** When forwards run as CUDA graphs: the host-side decisions, without a GPU. */
class DecodeGraphPolicyTest {
  private static final Optional<List<Integer>> ONE_ROW = DecodeGraphPolicy.shape(1, true, 0, 1, 1);
  private static final Optional<List<Integer>> EIGHT_ROWS =
      DecodeGraphPolicy.shape(8, true, 8, 8, 0);

  @Test
  void onlyGemvForwardsOfAtMostEightRowsAreGraphable() {
    assertThat(ONE_ROW).contains(List.of(1, 0, 1, 1));
    assertThat(DecodeGraphPolicy.shape(9, true, 0, 9, 9)).isEmpty(); // cuBLAS rows
    assertThat(DecodeGraphPolicy.shape(1, false, 0, 1, 1)).isEmpty(); // a matrix needs cuBLAS
    // two sequences of 2 rows differ from one of 4: the attention launches differ
    assertThat(DecodeGraphPolicy.shape(4, true, 0, 2, 2, 2, 2))
        .isNotEqualTo(DecodeGraphPolicy.shape(4, true, 0, 4, 4));
  }

  @Test
  void aShapeIsCapturedOnceSettledThenUpdatedEveryStep() {
    DecodeGraphPolicy p = new DecodeGraphPolicy(true, 2, 4);
    assertThat(p.next(DecodeGraphPolicy.shape(30, true, 0, 30, 30))).isEqualTo(Action.EAGER);
    assertThat(p.next(ONE_ROW)).isEqualTo(Action.EAGER); // first of its shape
    assertThat(p.next(ONE_ROW)).isEqualTo(Action.CAPTURE_NEW);
    assertThat(p.instantiated(ONE_ROW.get())).isEmpty();
    for (int step = 0; step < 5; step++) {
      assertThat(p.next(ONE_ROW)).isEqualTo(Action.CAPTURE_UPDATE);
    }
    // a different shape must settle on its own; coming back to a known one updates it again
    assertThat(p.next(EIGHT_ROWS)).isEqualTo(Action.EAGER);
    assertThat(p.next(ONE_ROW)).isEqualTo(Action.EAGER);
    assertThat(p.next(ONE_ROW)).isEqualTo(Action.CAPTURE_UPDATE);
  }

  @Test
  void theLeastRecentlyUsedGraphIsEvictedBeyondTheCapacity() {
    DecodeGraphPolicy p = new DecodeGraphPolicy(true, 1, 2);
    List<Integer> a = DecodeGraphPolicy.shape(1, true, 0, 1, 1).orElseThrow();
    List<Integer> b = DecodeGraphPolicy.shape(2, true, 0, 2, 2).orElseThrow();
    List<Integer> c = DecodeGraphPolicy.shape(3, true, 0, 3, 3).orElseThrow();
    assertThat(p.next(Optional.of(a))).isEqualTo(Action.CAPTURE_NEW);
    assertThat(p.instantiated(a)).isEmpty();
    assertThat(p.next(Optional.of(b))).isEqualTo(Action.CAPTURE_NEW);
    assertThat(p.instantiated(b)).isEmpty();
    assertThat(p.next(Optional.of(a))).isEqualTo(Action.CAPTURE_UPDATE); // a is now the newest
    assertThat(p.next(Optional.of(c))).isEqualTo(Action.CAPTURE_NEW);
    assertThat(p.instantiated(c)).contains(b);
    assertThat(p.shapes()).containsExactly(a, c);
  }

  @Test
  void aFailureOrTheSwitchKeepsEveryForwardPlain() {
    DecodeGraphPolicy failed = new DecodeGraphPolicy(true, 1, 4);
    assertThat(failed.next(ONE_ROW)).isEqualTo(Action.CAPTURE_NEW);
    failed.disable("cuGraphInstantiate failed: CUDA_ERROR_NOT_SUPPORTED");
    assertThat(failed.next(ONE_ROW)).isEqualTo(Action.EAGER);
    assertThat(failed.disabledBecause())
        .contains("cuGraphInstantiate failed: CUDA_ERROR_NOT_SUPPORTED");
    DecodeGraphPolicy off = new DecodeGraphPolicy(false, 1, 4);
    assertThat(off.next(ONE_ROW)).isEqualTo(Action.EAGER);
    assertThat(off.disabledBecause()).contains("ndd.cuda.graph=off");
    assertThatThrownBy(() -> new DecodeGraphPolicy(true, 0, 4)).hasMessageContaining("at least 1");
  }

  @Test
  void modelsWhoseMatricesAllTakeTheGemvAreGraphable() {
    CUdeviceptr p = new CUdeviceptr();
    DeviceMatrix bf16 = new DeviceMatrix(p, DeviceMatrix.Format.BF16, 4096, 4096);
    DeviceMatrix int4 =
        new DeviceMatrix(
            p,
            DeviceMatrix.Format.INT4,
            14_336,
            4096,
            new DeviceMatrix.Scales(p, DeviceMatrix.ScaleType.BF16, 64, 64, 14_336L * 64));
    DeviceMatrix oddFp8 =
        new DeviceMatrix(
            p,
            DeviceMatrix.Format.FP8,
            64,
            100,
            new DeviceMatrix.Scales(p, DeviceMatrix.ScaleType.F32, 100, 1, 64));
    assertThat(DecodeGraphs.gemvOnly(List.of(bf16, int4))).isTrue();
    // fp8 of a width the GEMV cannot stream goes through cuBLAS, which stays out of captures
    assertThat(DecodeGraphs.gemvOnly(List.of(bf16, oddFp8))).isFalse();
  }

  @Test
  void thePropertyIsOnOrOff() {
    String before = System.getProperty(DecodeGraphs.PROPERTY);
    try {
      System.clearProperty(DecodeGraphs.PROPERTY);
      assertThat(DecodeGraphs.enabled()).isTrue();
      System.setProperty(DecodeGraphs.PROPERTY, "off");
      assertThat(DecodeGraphs.enabled()).isFalse();
      System.setProperty(DecodeGraphs.PROPERTY, "maybe");
      assertThatThrownBy(DecodeGraphs::enabled)
          .hasMessage("ndd.cuda.graph must be on or off, got 'maybe'");
    } finally {
      if (before == null) {
        System.clearProperty(DecodeGraphs.PROPERTY);
      } else {
        System.setProperty(DecodeGraphs.PROPERTY, before);
      }
    }
  }
}
