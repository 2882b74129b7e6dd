package dev.inference.nemotron.pod.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inference.nemotron.kernels.cuda.PtxLibrary;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The device picking's host side without a GPU: the launches for the published vocabularies (the
 * 3B/8B/14B's 131,072 ids and a Qwen-sized 151,669), the inverse-CDF slices covering each id once,
 * the kernels' shared memory from the built PTX, and the draw and temperature as the kernels get
 * them.
 */
class DeviceLogitsPickerTest {
  private static final int[] VOCABULARIES = {131_072, 151_669};

  @Test
  void everyPickLaunchIsOneFullBlockPerRow() {
    for (int vocab : VOCABULARIES) {
      // 1: an AR step; 31: a B = 32 diffusion step; 64: the forward's most logit rows; 1024: a
      // batch of 32 sequences' diffusion steps.
      for (int rows : new int[] {1, 31, 64, 1024}) {
        LaunchGeometry g = DeviceLogitsPicker.geometry(rows, vocab);
        assertThat(g.gridX()).isEqualTo(rows);
        assertThat(g.gridY()).isEqualTo(1);
        assertThat(g.block()).isEqualTo(LaunchGeometry.PICK_THREADS);
      }
    }
  }

  @Test
  void theInverseCdfSlicesCoverEveryIdOnceInIdOrder() {
    for (int vocab : VOCABULARIES) {
      int next = 0;
      int busy = 0;
      for (int t = 0; t < LaunchGeometry.PICK_THREADS; t++) {
        int[] slice = DeviceLogitsPicker.sampleSlice(t, vocab, LaunchGeometry.PICK_THREADS);
        if (slice[1] > slice[0]) {
          assertThat(slice[0]).as("thread %d of vocab %d", t, vocab).isEqualTo(next);
          next = slice[1];
          busy++;
        }
      }
      assertThat(next).isEqualTo(vocab);
      assertThat(busy).isLessThanOrEqualTo(LaunchGeometry.PICK_THREADS);
    }
    // 151,669 ids in slices of 149: 1018 threads walk them, the last 6 have nothing to walk.
    int[] last = DeviceLogitsPicker.sampleSlice(1023, 151_669, 1024);
    assertThat(last[0]).isGreaterThanOrEqualTo(151_669).isEqualTo(last[1]);
    assertThat(DeviceLogitsPicker.sampleSlice(1017, 151_669, 1024))
        .containsExactly(151_533, 151_669);
  }

  @Test
  void vocabulariesTheKernelsCannotCountExactlyAreRefused() {
    assertThatThrownBy(() -> DeviceLogitsPicker.geometry(1, 1 << 24))
        .hasMessageContaining("1 to 2^24 - 1 ids, got 16777216");
    assertThatThrownBy(() -> DeviceLogitsPicker.geometry(1, 0)).hasMessageContaining("got 0");
  }

  @Test
  void theSamplingKernelsFitTheStaticSharedMemoryLimit() {
    PtxLibrary ptx = PtxLibrary.onClassPath();
    assumeTrue(ptx.available(), () -> ptx.unavailableReason().orElseThrow());
    Pattern shared =
        Pattern.compile("\\.shared\\s+\\.align\\s+\\d+\\s+\\.(\\w+)\\s+\\S+?(\\[(\\d+)])?;");
    for (int arch : ptx.architectures()) {
      Matcher m = shared.matcher(ptx.text(arch, "sampling"));
      long bytes = 0;
      int arrays = 0;
      while (m.find()) {
        int element = m.group(1).equals("b8") ? 1 : 4;
        bytes += m.group(3) == null ? element : Long.parseLong(m.group(3)) * element;
        arrays++;
      }
      // Both kernels' arrays together (an upper bound for either): under the 48 KiB a launch
      // without an opt-in may use.
      assertThat(arrays).as("sm_%d shared arrays", arch).isGreaterThanOrEqualTo(4);
      assertThat(bytes).as("sm_%d shared bytes", arch).isBetween(8192L, 48L * 1024);
    }
  }

  @Test
  void drawsStayBelowOneAsFloatsAndTemperaturesAboveZero() {
    assertThat(DeviceLogitsPicker.deviceDraw(Math.nextDown(1.0))).isLessThan(1f);
    assertThat(DeviceLogitsPicker.deviceDraw(0.25)).isEqualTo(0.25f);
    assertThat(DeviceLogitsPicker.deviceDraw(0)).isZero();
    assertThat(DeviceLogitsPicker.deviceTemperature(1e-300)).isPositive();
    assertThat(DeviceLogitsPicker.deviceTemperature(0.7)).isEqualTo(0.7f);
  }

  @Test
  void aDecodeStepCopiesBackEightBytesPerRowInsteadOfTheRow() {
    long row = 131_072L * Float.BYTES; // what one 8B logit row was
    assertThat(DeviceLogitsPicker.bytesBack(1)).isEqualTo(8);
    assertThat(row / DeviceLogitsPicker.bytesBack(1)).isEqualTo(65_536);
    assertThat(DeviceLogitsPicker.bytesBack(31)).isEqualTo(248);
  }
}
