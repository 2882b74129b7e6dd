package dev.inference.nemotron.pod.serve.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * A tenant's {@code tokensPerMinute} in runtime.yaml is the limit of the whole fleet; each server
 * enforces its share, the limit divided by {@code fleet.replicas}, rounded up.
 */
class FleetTokenShareTest {

  private static final Path FILE = Path.of("/etc/nemotron/runtime.yaml");

  private static RuntimeConfig parse(String yaml) {
    return RuntimeConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), FILE);
  }

  private static String file(String fleet) {
    return """
        model: {path: /models/m}
        %s
        tenants:
        - {name: search, apiKeyFile: /keys/search, tokensPerMinute: 1000}
        - {name: batch, apiKeyFile: /keys/batch, tokensPerMinute: 7}
        - {name: open, apiKeyFile: /keys/open}
        """
        .formatted(fleet);
  }

  private static OptionalLong share(RuntimeConfig config, String tenant) {
    return config.tenants().stream()
        .filter(t -> t.name().equals(tenant))
        .findFirst()
        .orElseThrow()
        .tokensPerMinute();
  }

  @Test
  void eachServerOfAFleetOfFourEnforcesAQuarterRoundedUp() {
    RuntimeConfig config = parse(file("fleet: {replicas: 4}"));

    assertThat(share(config, "search")).hasValue(250);
    // 7 / 4 = 1.75: rounded up, so the fleet never allows less than its limit
    assertThat(share(config, "batch")).hasValue(2);
    assertThat(share(config, "open")).isEmpty();
  }

  @Test
  void aServerWithoutAFleetSectionEnforcesTheWholeLimit() {
    RuntimeConfig config = parse(file(""));

    assertThat(share(config, "search")).hasValue(1000);
    assertThat(share(config, "batch")).hasValue(7);
  }

  @Test
  void moreReplicasThanTokensStillLeaveEachServerOne() {
    RuntimeConfig config = parse(file("fleet: {replicas: 9}"));

    assertThat(share(config, "batch")).hasValue(1);
    assertThat(share(config, "search")).hasValue(112);
  }

  @Test
  void aReplicaCountBelowOneOrAnUnknownKeyIsAnErrorNamingIt() {
    assertThatThrownBy(() -> parse(file("fleet: {replicas: 0}")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("fleet.replicas: must be at least 1, got 0");
    assertThatThrownBy(() -> parse(file("fleet: {replica: 2}")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("unknown key fleet.replica");
  }

  @Test
  void aNewReplicaCountIsALiveChangeOfTheTenantsShares() {
    RuntimeConfig started = parse(file("fleet: {replicas: 2}"));
    RuntimeConfig scaled = parse(file("fleet: {replicas: 5}"));

    assertThat(started.restartKeys(scaled)).isEmpty();
    RuntimeConfig live = started.withLiveSettingsOf(scaled);
    assertThat(share(live, "search")).hasValue(200);
    assertThat(live).isNotEqualTo(started);
  }
}
