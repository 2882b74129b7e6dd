package dev.inference.nemotron.pod.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Nearest-rank percentiles: always a measured value, at rank ceil(p / 100 * n). */
class LoadPercentileTest {

  @Test
  void ofFourValuesTheMedianIsTheSecondAndP95TheLargest() {
    double[] values = {40, 10, 30, 20};

    assertThat(NearestRank.percentile(values, 50)).isEqualTo(20);
    assertThat(NearestRank.percentile(values, 95)).isEqualTo(40);
    assertThat(NearestRank.percentile(values, 25)).isEqualTo(10);
    assertThat(NearestRank.percentile(values, 26)).isEqualTo(20);
    assertThat(NearestRank.percentile(values, 100)).isEqualTo(40);
    assertThat(values).containsExactly(40, 10, 30, 20); // the caller's array is not sorted
  }

  @Test
  void ofTwentyValuesP95IsTheNineteenthNotAnInterpolation() {
    double[] values = new double[20];
    for (int i = 0; i < 20; i++) {
      values[i] = 20 - i; // 20, 19, ..., 1
    }

    assertThat(NearestRank.percentile(values, 95)).isEqualTo(19);
    assertThat(NearestRank.percentile(values, 50)).isEqualTo(10);
    assertThat(NearestRank.percentile(values, 5)).isEqualTo(1);
    assertThat(NearestRank.percentile(values, 0.1)).isEqualTo(1);
  }

  @Test
  void oddCountsRoundTheRankUp() {
    assertThat(NearestRank.percentile(new double[] {3, 1, 2}, 50)).isEqualTo(2);
    assertThat(NearestRank.percentile(new double[] {7}, 50)).isEqualTo(7);
    assertThat(NearestRank.percentile(new double[] {7}, 95)).isEqualTo(7);
  }

  @Test
  void nothingMeasuredIsNaNNotZero() {
    NearestRank.Spread spread = NearestRank.spread(new double[0]);

    assertThat(spread.p50()).isNaN();
    assertThat(spread.p95()).isNaN();
    assertThat(spread.present()).isFalse();
    assertThat(NearestRank.spread(new double[] {1.5}).present()).isTrue();
  }

  @Test
  void rejectsPercentilesOutsideZeroToHundred() {
    assertThatThrownBy(() -> NearestRank.percentile(new double[] {1}, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NearestRank.percentile(new double[] {1}, 100.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NearestRank.percentile(new double[] {1}, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
