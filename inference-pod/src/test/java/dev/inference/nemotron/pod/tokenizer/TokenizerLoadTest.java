package dev.inference.nemotron.pod.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerLoadTest {

  @Test
  void fixtureMetadataComesFromBothFiles() {
    Tokenizer qwen = SharedFixtures.loaded("qwen3");
    assertThat(qwen.vocabularySize()).isEqualTo(151_669);
    assertThat(qwen.eosTokenId()).hasValue(151_645);
    assertThat(qwen.tokenId("<think>")).hasValue(151_667);
    assertThat(qwen.token(9707)).hasValue("Hello");
    assertThat(qwen.isSpecial(151_644)).isTrue();
    assertThat(qwen.isSpecial(151_667)).as("<think> is an added, non-special token").isFalse();
    Tokenizer gpt4o = SharedFixtures.loaded("gpt4o");
    assertThat(gpt4o.vocabularySize())
        .as("added token 200018 lies past the vocab")
        .isEqualTo(200_019);
    assertThat(gpt4o.eosTokenId()).hasValue(199_999);
    assertThat(gpt4o.token(200_005)).isEmpty();
    assertThat(gpt4o.decode(new int[] {-1, 200_005, 9_999_999})).isEmpty();
  }

  @Test
  void loadsFromTheTokenizerJsonFileAsWellAsItsDirectory(@TempDir Path dir) throws Exception {
    TinyTokenizerFiles.write(dir, 400);
    assertThat(Tokenizer.load(dir.resolve("tokenizer.json")).eosTokenId()).hasValue(2);
  }

  @Test
  void missingDirectoryNamesTheExpectedFile(@TempDir Path dir) {
    assertThatThrownBy(() -> Tokenizer.load(dir.resolve("absent")))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(dir.resolve("absent").resolve("tokenizer.json").toString());
  }

  @Test
  void unsupportedPartsAreRejectedNamingFileAndJsonPath(@TempDir Path dir) throws Exception {
    TinyTokenizerFiles.write(dir, 400);
    Path file = dir.resolve("tokenizer.json");
    String good = Files.readString(file);

    Files.writeString(file, good.replace("\"type\" : \"NFC\"", "\"type\" : \"Lowercase\""));
    assertThatThrownBy(() -> Tokenizer.load(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file.toString())
        .hasMessageContaining("normalizer: normalizer type 'Lowercase' is not supported");

    Files.writeString(file, good.replace("\"behavior\" : \"Isolated\"", "\"behavior\" : \"Odd\""));
    assertThatThrownBy(() -> Tokenizer.load(dir))
        .hasMessageContaining("pre_tokenizer.pretokenizers[0].behavior: unknown Split behavior");

    Files.writeString(file, good.replace("\"type\" : \"Split\"", "\"type\" : \"Metaspace\""));
    assertThatThrownBy(() -> Tokenizer.load(dir))
        .hasMessageContaining("pre-tokenizer type 'Metaspace' is not supported");

    Files.writeString(file, good.replaceFirst("\"Ġ\", \"t\"", "\"Ġ\", \"zz\""));
    assertThatThrownBy(() -> Tokenizer.load(dir))
        .hasMessageContaining("model.merges[")
        .hasMessageContaining("'zz' is not in the vocabulary");
  }

  @Test
  void unknownEosTokenInConfigNamesTheConfigFile(@TempDir Path dir) throws Exception {
    TinyTokenizerFiles.write(dir, 400);
    Path config = dir.resolve("tokenizer_config.json");
    Files.writeString(config, Files.readString(config).replace("\"</s>\"", "\"<eos>\""));
    assertThatThrownBy(() -> Tokenizer.load(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(config.toString())
        .hasMessageContaining("eos_token '<eos>'");
  }

  /** One id of 2^31 - 2 would size every per-id table to 2^31 entries: refused, naming it. */
  @Test
  void rejectsAnIdBeyondTheLargestSupportedVocabulary(@TempDir Path dir) throws Exception {
    TinyTokenizerFiles.write(dir, 400);
    Path file = dir.resolve("tokenizer.json");
    com.fasterxml.jackson.databind.node.ObjectNode root =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
    com.fasterxml.jackson.databind.node.ObjectNode added =
        (com.fasterxml.jackson.databind.node.ObjectNode) root.withArray("added_tokens").get(0);
    int original = added.get("id").asInt();
    added.put("id", 2_147_483_646);
    Files.writeString(file, root.toString());
    assertThatThrownBy(() -> Tokenizer.load(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file.toString())
        .hasMessageContaining(
            "added_tokens[0].id: id 2147483646 is beyond the largest supported vocabulary"
                + " (8388608 ids)");
    added.put("id", original);
    ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("model").get("vocab"))
        .put("huge", 9_000_000);
    Files.writeString(file, root.toString());
    assertThatThrownBy(() -> Tokenizer.load(dir))
        .hasMessageContaining("model.vocab[\"huge\"]: id 9000000 is beyond the largest");
  }

  @Test
  void escapesControlCharactersQuotedFromTheFiles(@TempDir Path dir) throws Exception {
    TinyTokenizerFiles.write(dir, 400);
    Path file = dir.resolve("tokenizer.json");
    String good = Files.readString(file);
    Files.writeString(
        file, good.replace("\"type\" : \"NFC\"", "\"type\" : \"\\u001b[2J\\r\\nfake\""));
    assertThatThrownBy(() -> Tokenizer.load(dir))
        .hasMessageContaining("normalizer type '\\u001b[2J\\r\\nfake' is not supported")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b").doesNotContain("\n"));
    Files.writeString(file, good);
    Path config = dir.resolve("tokenizer_config.json");
    Files.writeString(config, Files.readString(config).replace("\"</s>\"", "\"\\u009b31m\""));
    assertThatThrownBy(() -> Tokenizer.load(dir)).hasMessageContaining("eos_token '\\u009b31m'");
    TinyTokenizerFiles.write(dir, 400);
    Files.writeString(
        config,
        Files.readString(config)
            .replaceFirst(
                "\\{",
                "{\"chat_template\": [{\"name\": \"\\\\u001b[8mhidden\", \"template\": \"x\"}],"));
    assertThatThrownBy(() -> Tokenizer.load(dir))
        .hasMessageContaining("[\\u001b[8mhidden] has no string template named 'default'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b"));
  }
}
