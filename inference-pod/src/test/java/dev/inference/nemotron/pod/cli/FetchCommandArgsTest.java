package dev.inference.nemotron.pod.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FetchCommandArgsTest {

  @Test
  void timeoutsReadAsDurations() {
    assertThat(FetchCommand.duration("30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(FetchCommand.duration("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(FetchCommand.duration("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(FetchCommand.duration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(FetchCommand.duration("PT2H")).isEqualTo(Duration.ofHours(2));
    for (String bad : new String[] {"", "30", "m", "10 m", "5x", "1h-2m"}) {
      assertThatThrownBy(() -> FetchCommand.duration(bad))
          .as(bad)
          .isInstanceOf(UsageException.class)
          .hasMessageContaining("--timeout");
    }
  }

  @Test
  void helpNamesEveryOptionAndTheTokenVariable() {
    FetchCommand command = new FetchCommand();
    assertThat(command.name()).isEqualTo("fetch");
    assertThat(command.usage())
        .contains("--source", "--revision", "--into", "--wait", "--timeout", "--registry-auth")
        .contains("HF_TOKEN");
  }

  @Test
  void missingIntoIsAUsageError() {
    assertThatThrownBy(
            () ->
                new FetchCommand()
                    .run(CommandArgs.parse(new String[] {"--source", "hf://a/b"}), System.out))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--into");
  }
}
