package dev.inference.nemotron.pod.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyTokenizerFilesTest {

  @Test
  void huggingFaceLoadsTheGeneratedTokenizerAndEncodesExactlyLikeOurs(@TempDir Path dir)
      throws Exception {
    TinyTokenizerFiles.Ids ids = TinyTokenizerFiles.write(dir, 1024);
    Tokenizer ours = Tokenizer.load(dir);
    List<String> corpus = new ArrayList<>(ParityCorpus.generate(11, 1500));
    corpus.addAll(TinyCorpus.TEXT.lines().toList());
    int mismatches = 0;
    try (HuggingFaceOracle oracle = new HuggingFaceOracle(dir)) {
      for (String text : corpus) {
        int[] actual = ours.encode(text);
        if (!Arrays.equals(oracle.encode(text), actual)
            || !ours.decode(actual).equals(oracle.decode(actual, false))) {
          mismatches++;
        }
      }
    }
    System.out.printf(
        "tiny tokenizer parity: %d strings, %d mismatches%n", corpus.size(), mismatches);
    assertThat(mismatches).isZero();
    assertThat(ids).isEqualTo(new TinyTokenizerFiles.Ids(1, 2, 100, 1024));
    assertThat(ours.vocabularySize()).isEqualTo(1024);
    assertThat(ours.eosTokenId()).hasValue(2);
    assertThat(ours.tokenId("<mask>")).hasValue(100);
    assertThat(ours.tokenId("<SPECIAL_50>")).hasValue(50);
    assertThat(ours.tokenId("<|im_start|>")).hasValue(3);
    assertThat(ours.encode("<s>hello<mask></s>")).startsWith(1).endsWith(100, 2);
  }

  @Test
  void learnedMergesCompressTheirTrainingText(@TempDir Path dir) throws Exception {
    TinyTokenizerFiles.write(dir, 1024);
    Tokenizer tokenizer = Tokenizer.load(dir);
    String text = "The model writes a block of tokens, then the next block.";
    int[] ids = tokenizer.encode(text);
    assertThat(ids.length).isLessThan(text.length() / 2);
    assertThat(tokenizer.decode(ids)).isEqualTo(text);
    assertThat(Arrays.stream(ids).max().orElseThrow())
        .isGreaterThanOrEqualTo(TinyTokenizerFiles.BYTE_TOKENS_START + 256);
  }

  @Test
  void writingTwiceGivesIdenticalFiles(@TempDir Path a, @TempDir Path b) throws Exception {
    TinyTokenizerFiles.write(a, 600);
    TinyTokenizerFiles.write(b, 600);
    assertThat(Files.readString(a.resolve("tokenizer.json")))
        .isEqualTo(Files.readString(b.resolve("tokenizer.json")));
    assertThat(Tokenizer.load(a).vocabularySize()).isEqualTo(600);
  }

  @Test
  void rejectsVocabularySizesOutsideWhatItCanBuild(@TempDir Path dir) {
    assertThatThrownBy(() -> TinyTokenizerFiles.write(dir, 300))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too small")
        .hasMessageContaining("384");
    assertThatThrownBy(() -> TinyTokenizerFiles.write(dir, 1_000_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
  }
}
