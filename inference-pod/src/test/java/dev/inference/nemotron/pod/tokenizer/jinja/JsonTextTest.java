package dev.inference.nemotron.pod.tokenizer.jinja;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTextTest {
  private static final JsonText DEFAULT = new JsonText(null, null, null, false);

  @Test
  void dumpsLikePythonJsonWithEnsureAsciiOff() {
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put("b", Arrays.asList(1L, 2.0, null, true, "é\"\n\u0001"));
    map.put("a", Map.of());
    assertThat(DEFAULT.dumps(map))
        .isEqualTo("{\"b\": [1, 2.0, null, true, \"é\\\"\\n\\u0001\"], \"a\": {}}");
  }

  @Test
  void indentUsesCommaWithoutSpaceBetweenItems() {
    assertThat(new JsonText("  ", null, null, false).dumps(List.of(1L, List.of())))
        .isEqualTo("[\n  1,\n  []\n]");
  }

  @Test
  void sortKeysAndSeparatorsAreHonoured() {
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put("z", 1L);
    map.put("a", 2L);
    assertThat(new JsonText(null, ",", ":", true).dumps(map)).isEqualTo("{\"a\":2,\"z\":1}");
  }

  @Test
  void nonJsonValuesAreRejected() {
    assertThatThrownBy(() -> DEFAULT.dumps(new Undefined("'x' is undefined")))
        .isInstanceOf(EvalError.class)
        .hasMessageContaining("not JSON serializable");
  }
}
