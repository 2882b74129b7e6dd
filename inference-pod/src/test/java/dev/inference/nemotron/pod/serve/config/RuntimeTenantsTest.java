package dev.inference.nemotron.pod.serve.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeTenantsTest {

  @TempDir Path dir;

  @Test
  void authenticatesEachTenantByItsKey() throws IOException {
    Tenants tenants =
        Tenants.load(List.of(tenant("search", "sk-search\n"), tenant("batch", "  sk-batch \r\n")));

    assertThat(tenants.isOpen()).isFalse();
    assertThat(tenants.authenticate("sk-search")).map(TenantConfig::name).contains("search");
    assertThat(tenants.authenticate("sk-batch")).map(TenantConfig::name).contains("batch");
    assertThat(tenants.authenticate("sk-search\n")).isEmpty();
    assertThat(tenants.authenticate("sk-searc")).isEmpty();
    assertThat(tenants.authenticate("")).isEmpty();
    assertThat(tenants.authenticate(null)).isEmpty();
    assertThat(tenants.configs()).extracting(TenantConfig::name).containsExactly("search", "batch");
  }

  @Test
  void noTenantsMeansAnOpenApi() {
    assertThat(Tenants.open().isOpen()).isTrue();
    assertThat(Tenants.load(List.of()).isOpen()).isTrue();
    assertThat(Tenants.open().authenticate("anything")).isEmpty();
  }

  @Test
  void keysAreNeverInToString() throws IOException {
    Tenants tenants = Tenants.load(List.of(tenant("search", "sk-top-secret")));

    assertThat(tenants.toString()).contains("search").doesNotContain("sk-top-secret");
  }

  @Test
  void aMissingKeyFileNamesTheTenantAndThePath() {
    TenantConfig missing = config("search", dir.resolve("absent"));

    assertThatThrownBy(() -> Tenants.load(List.of(missing)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(dir.resolve("absent") + ": ")
        .hasMessageContaining("tenant 'search'")
        .hasMessageContaining("does not exist (is the tenant's Secret mounted?)");
  }

  @Test
  void anEmptyKeyFileIsAnError() throws IOException {
    TenantConfig empty = tenant("search", " \n");

    assertThatThrownBy(() -> Tenants.load(List.of(empty)))
        .hasMessageContaining("tenant 'search': the API key file is empty");
  }

  @Test
  void aDirectoryIsNotAKeyFile() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("folder"));

    assertThatThrownBy(() -> Tenants.load(List.of(config("search", folder))))
        .hasMessageContaining("is a directory");
  }

  @Test
  void twoTenantsMayNotShareAKeyAndTheErrorDoesNotShowIt() throws IOException {
    List<TenantConfig> configs = List.of(tenant("a", "sk-same"), tenant("b", "sk-same\n"));

    assertThatThrownBy(() -> Tenants.load(configs))
        .hasMessageContaining("tenants 'a' and 'b' have the same API key")
        .hasMessageNotContaining("sk-same");
  }

  @Test
  void sameAsComparesConfigsAndKeys() throws IOException {
    Tenants one = Tenants.load(List.of(tenant("a", "k1")));
    Tenants same = Tenants.load(List.of(tenant("a", "k1")));
    Tenants otherKey = Tenants.load(List.of(tenant("a", "k2")));

    assertThat(one.sameAs(same)).isTrue();
    assertThat(one.sameAs(otherKey)).isFalse();
    assertThat(one.sameAs(Tenants.open())).isFalse();
  }

  @Test
  void bearerTokensComeFromTheAuthorizationHeader() {
    assertThat(Tenants.bearerToken("Bearer sk-1")).contains("sk-1");
    assertThat(Tenants.bearerToken("bearer   sk-1 ")).contains("sk-1");
    assertThat(Tenants.bearerToken("Basic dXNlcjpwYXNz")).isEmpty();
    assertThat(Tenants.bearerToken("Bearer")).isEmpty();
    assertThat(Tenants.bearerToken("Bearer  ")).isEmpty();
    assertThat(Tenants.bearerToken(null)).isEmpty();
  }

  @Test
  void tenantConfigsCheckTheirOwnRanges() {
    assertThatThrownBy(() -> config("-bad-", dir)).hasMessageContaining("DNS label");
    assertThatThrownBy(() -> config("a".repeat(64), dir)).hasMessageContaining("DNS label");
    assertThatThrownBy(
            () -> new TenantConfig("a", dir, OptionalLong.empty(), OptionalInt.empty(), 1001))
        .hasMessageContaining("weight must be between 1 and 1000");
  }

  private TenantConfig tenant(String name, String key) throws IOException {
    return config(name, Files.writeString(dir.resolve(name + ".key"), key));
  }

  private static TenantConfig config(String name, Path keyFile) {
    return new TenantConfig(name, keyFile, OptionalLong.empty(), OptionalInt.empty(), 1);
  }
}
