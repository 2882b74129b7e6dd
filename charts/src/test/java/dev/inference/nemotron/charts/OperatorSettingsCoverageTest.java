package dev.inference.nemotron.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every operator setting ({@code OperatorSettings}, {@code nemotron.operator.*}, and the
 * autoscaler's {@code AutoscalerSettings}, {@code nemotron.autoscaler.*}) can be set from the
 * chart's values: a setting added to the operator without a value here fails this test.
 */
class OperatorSettingsCoverageTest {

  private static final Pattern SETTING =
      Pattern.compile("^\\s+[\\w<>, @().]+\\s+(\\w+)\\(\\);", Pattern.MULTILINE);

  /**
   * Settings the chart does not map to a value, with the reason: the namespace comes from the
   * downward API (application.properties reads POD_NAMESPACE, which the chart sets).
   */
  private static final Set<String> FROM_THE_POD = Set.of("NEMOTRON_OPERATOR_NAMESPACE");

  @Test
  void everyOperatorSettingIsSetFromTheValues() throws Exception {
    Set<String> settings = settingEnvironmentVariables();
    assertThat(settings).as("settings read from OperatorSettings.java").hasSizeGreaterThan(3);

    JsonNode container =
        ChartTemplateTest.operatorContainer(
            NemotronOperatorChart.render(
                    """
                    allowedHostPathPrefixes: [/var/lib/ndd/models]
                    scrapeNamespaces: [monitoring]
                    gpuPlacement: {"*": resource-only}
                    """)
                .one("Deployment")
                .at("/spec/template/spec"));
    Set<String> rendered = new TreeSet<>();
    container.path("env").forEach(e -> rendered.add(e.path("name").asText()));

    for (String setting : settings) {
      if (FROM_THE_POD.contains(setting)) {
        assertThat(rendered).contains("POD_NAMESPACE");
      } else {
        assertThat(rendered).as("env of the operator container").contains(setting);
      }
    }
  }

  /** {@code imagePullPolicy()} → {@code NEMOTRON_OPERATOR_IMAGE_PULL_POLICY}, as SmallRye maps. */
  private static Set<String> settingEnvironmentVariables() throws Exception {
    Set<String> variables = new TreeSet<>();
    variables.addAll(
        variables(
            "operator/src/main/java/dev/inference/nemotron/operator/config/OperatorSettings.java",
            "NEMOTRON_OPERATOR_"));
    variables.addAll(
        variables(
            "operator/src/main/java/dev/inference/nemotron/operator/autoscale/AutoscalerSettings.java",
            "NEMOTRON_AUTOSCALER_"));
    return variables;
  }

  private static Set<String> variables(String file, String prefix) throws Exception {
    String source = Files.readString(ProjectFiles.root().resolve(file));
    List<String> methods = new ArrayList<>();
    Matcher matcher = SETTING.matcher(source);
    while (matcher.find()) {
      methods.add(matcher.group(1));
    }
    Set<String> variables = new TreeSet<>();
    for (String method : methods) {
      variables.add(
          prefix + method.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
    }
    return variables;
  }
}
