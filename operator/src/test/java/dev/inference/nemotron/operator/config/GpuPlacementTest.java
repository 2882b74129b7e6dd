package dev.inference.nemotron.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inference.nemotron.operator.sizing.GpuClass;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code nemotron.operator.gpu-placement} setting, read as SmallRye Config reads it. */
class GpuPlacementTest {

  /** SmallRye Config with the converters Quarkus adds (durations such as 6h). */
  private static SmallRyeConfigBuilder quarkusLike() {
    return new SmallRyeConfigBuilder()
        .withConverter(Duration.class, 200, new DurationConverter())
        .withMapping(OperatorSettings.class);
  }

  /** The operator's settings from one property, through the real config mapping. */
  private static OperatorSettings settings(String gpuPlacement) {
    SmallRyeConfig config =
        quarkusLike()
            .withSources(
                new PropertiesConfigSource(
                    Map.of("nemotron.operator.gpu-placement", gpuPlacement), "test", 500))
            .build();
    return config.getConfigMapping(OperatorSettings.class);
  }

  private static List<String> nodeLabels(GpuClass gpuClass, String setting) {
    return GpuPlacement.of(gpuClass, settings(setting).gpuPlacement().orElseThrow())
        .nodeLabels(gpuClass);
  }

  @Test
  void unsetEveryGpuClassIsPlacedByItsKnownProductLabels() {
    OperatorSettings unset = quarkusLike().build().getConfigMapping(OperatorSettings.class);

    assertThat(unset.gpuPlacement()).isEmpty();
    assertThat(GpuPlacement.of(GpuClass.H100, List.of()).nodeLabels(GpuClass.H100))
        .isEqualTo(GpuClass.H100.productLabels())
        .contains("NVIDIA-H100-80GB-HBM3");
  }

  @Test
  void everyClassResourceOnlyLeavesNoProductLabelForAnyClass() {
    for (GpuClass gpuClass : GpuClass.values()) {
      if (gpuClass.isAccelerator()) {
        assertThat(nodeLabels(gpuClass, "*=resource-only")).as(gpuClass.specName()).isEmpty();
      }
    }
  }

  @Test
  void aClassesOwnEntryWinsOverTheWildcardAndOtherClassesFollowTheWildcard() {
    String setting = "*=resource-only, H100=NVIDIA-H100-80GB-HBM3|MY-H100 ,l4=product-label";

    assertThat(nodeLabels(GpuClass.H100, setting))
        .containsExactly("NVIDIA-H100-80GB-HBM3", "MY-H100");
    // class names are matched as spec.gpu.class is: case-insensitively
    assertThat(nodeLabels(GpuClass.L4, setting)).isEqualTo(GpuClass.L4.productLabels());
    assertThat(nodeLabels(GpuClass.A100_80GB, setting)).isEmpty();
  }

  @Test
  void withoutAWildcardClassesWithoutAnEntryKeepTheProductLabel() {
    assertThat(nodeLabels(GpuClass.B200, "H100=resource-only"))
        .isEqualTo(GpuClass.B200.productLabels());
    assertThat(nodeLabels(GpuClass.H100, "H100=resource-only")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '#',
      value = {
        "H100                      ; is not CLASS=PLACEMENT",
        "H200=resource-only|X      ; \"resource-only\" stands alone",
        "V100=resource-only        ; \"V100\" is not a GPU class; use * or one of H100",
        "CPU=resource-only         ; \"CPU\" is not a GPU class",
        "L4=NVIDIA L4              ; \"NVIDIA L4\" is neither",
        "L4=                       ; \"\" is neither",
      })
  void aMalformedEntryStopsTheOperatorNamingTheSettingAndTheEntry(String row) {
    String[] parts = row.split(";");
    String entry = parts[0].strip();
    String message = parts[1].strip();

    assertThatThrownBy(() -> settings(entry).gpuPlacement())
        .hasMessageContaining("nemotron.operator.gpu-placement")
        .hasMessageContaining(entry)
        .hasMessageContaining(message);
  }

  @Test
  void anEntryPrintsAsItIsWritten() {
    assertThat(GpuPlacement.valueOf("h100=A|B").toString()).isEqualTo("H100=A|B");
    assertThat(GpuPlacement.valueOf("*=resource-only").toString()).isEqualTo("*=resource-only");
  }
}
