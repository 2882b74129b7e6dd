package dev.inference.nemotron.pod.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CommandArgsTest {

  @Test
  void readsValuesFlagsAndEqualsForm() {
    CommandArgs args =
        CommandArgs.parse(
            new String[] {"--model", "/m", "--json", "--max-tokens=7", "--ids", "1, 2,3"});
    assertThat(args.required("model")).isEqualTo("/m");
    assertThat(args.flag("json")).isTrue();
    assertThat(args.integer("max-tokens", 0)).isEqualTo(7);
    assertThat(args.integers("ids")).containsExactly(1, 2, 3);
    assertThat(args.decimal("temperature", 0.5)).isEqualTo(0.5);
    args.requireAllUsed();
  }

  @Test
  void rejectsUnknownOptionsSoTyposAreNotIgnored() {
    CommandArgs args = CommandArgs.parse(new String[] {"--modle", "/m"});
    assertThat(args.string("model", null)).isNull();
    assertThatThrownBy(args::requireAllUsed).hasMessageContaining("--modle");
  }

  @Test
  void rejectsMalformedNumbersWithTheOptionName() {
    CommandArgs args = CommandArgs.parse(new String[] {"--seed", "x1"});
    assertThatThrownBy(() -> args.longValue("seed", 0)).hasMessageContaining("--seed");
    assertThatThrownBy(() -> CommandArgs.parse(new String[] {"stray"}))
        .isInstanceOf(UsageException.class);
    CommandArgs repeated = CommandArgs.parse(new String[] {"--a", "1", "--a", "2"});
    assertThatThrownBy(() -> repeated.integer("a", 0)).hasMessageContaining("given 2 times");
  }

  @Test
  void repeatableOptionsKeepEveryValueInOrder() {
    CommandArgs args = CommandArgs.parse(new String[] {"--stop", "a", "--stop=b", "--json"});
    assertThat(args.strings("stop")).containsExactly("a", "b");
    assertThat(args.strings("absent")).isEmpty();
    assertThat(args.flag("json")).isTrue();
    args.requireAllUsed();
  }

  @Test
  void unknownCommandIsAUsageError() {
    var out = new java.io.ByteArrayOutputStream();
    var err = new java.io.ByteArrayOutputStream();
    int status =
        Ndd.run(
            new String[] {"no-such-command"},
            new java.io.PrintStream(out, true),
            new java.io.PrintStream(err, true));
    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("unknown command 'no-such-command'");
  }
}
