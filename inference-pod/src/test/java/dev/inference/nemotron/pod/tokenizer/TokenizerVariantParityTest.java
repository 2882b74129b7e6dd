package dev.inference.nemotron.pod.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generic parts of {@code tokenizer.json} that the fixtures do not use, each checked against
 * the Hugging Face library: the tiny tokenizer is rewritten one feature at a time and both
 * implementations encode the same corpus.
 */
class TokenizerVariantParityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CORPUS = new ArrayList<>();
  private static Path base;

  @BeforeAll
  static void writeBaseTokenizer(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    base = dir.resolve("base");
    TinyTokenizerFiles.write(base, 700);
    CORPUS.addAll(ParityCorpus.generate(23, 400));
    CORPUS.addAll(
        List.of(
            "a <mask> b",
            "a<mask>b",
            "  <mask>  x",
            "<mask>\t\n<mask>",
            "word<think>word",
            "x <think> y",
            "<think>",
            " <think>",
            "cafe\u0301 café",
            "ﬁne Ⅻ ½",
            "hello   world  ",
            "the the the",
            "héllo wörld 日本"));
  }

  static Stream<Arguments> variants() {
    return Stream.of(
        variant("split MergedWithPrevious", splitBehavior("MergedWithPrevious", false)),
        variant("split MergedWithNext", splitBehavior("MergedWithNext", false)),
        variant("split Contiguous", splitBehavior("Contiguous", false)),
        variant("split Removed", splitBehavior("Removed", false)),
        variant("split Removed inverted", splitBehavior("Removed", true)),
        variant("split Isolated inverted", splitBehavior("Isolated", true)),
        variant("split MergedWithNext inverted", splitBehavior("MergedWithNext", true)),
        variant(
            "split on a literal string",
            root -> {
              ObjectNode split = (ObjectNode) root.at("/pre_tokenizer/pretokenizers/0");
              split.putObject("pattern").put("String", " ");
              split.put("behavior", "MergedWithNext");
            }),
        variant(
            "GPT-2 ByteLevel alone with prefix space and regex",
            root -> {
              ObjectNode pre = root.putObject("pre_tokenizer");
              pre.put("type", "ByteLevel");
              pre.put("add_prefix_space", true);
              pre.put("use_regex", true);
              pre.put("trim_offsets", true);
            }),
        variant(
            "merges stored as \"a b\" strings",
            root -> {
              ArrayNode merges = (ArrayNode) root.at("/model/merges");
              ArrayNode strings = JSON.createArrayNode();
              merges.forEach(m -> strings.add(m.get(0).asText() + " " + m.get(1).asText()));
              ((ObjectNode) root.get("model")).set("merges", strings);
            }),
        variant(
            "ignore_merges", root -> ((ObjectNode) root.get("model")).put("ignore_merges", true)),
        variant(
            "added-token flags lstrip, rstrip, single_word, normalized",
            root -> {
              ObjectNode mask = addedToken(root, "<mask>");
              mask.put("lstrip", true);
              mask.put("rstrip", true);
              addedToken(root, "<think>").put("single_word", true);
              ObjectNode cafe = ((ArrayNode) root.get("added_tokens")).addObject();
              cafe.put("id", 700);
              cafe.put("content", "café");
              cafe.put("single_word", false);
              cafe.put("lstrip", false);
              cafe.put("rstrip", false);
              cafe.put("normalized", true);
              cafe.put("special", false);
            }),
        variant(
            "NFKD then NFC normalizer sequence",
            root -> {
              ObjectNode seq = root.putObject("normalizer");
              seq.put("type", "Sequence");
              seq.putArray("normalizers").addObject().put("type", "NFKD");
              ((ArrayNode) seq.get("normalizers")).addObject().put("type", "NFC");
            }),
        variant(
            "byte_fallback without byte-level pre-tokenizer",
            root -> {
              withoutByteLevel(root);
              ObjectNode vocab = (ObjectNode) root.at("/model/vocab");
              for (int b = 0; b < 256; b++) {
                vocab.put(String.format("<0x%02X>", b), 700 + b);
              }
              ((ObjectNode) root.get("model")).put("byte_fallback", true);
            }),
        variant("unk_token without fusing", root -> withoutByteLevel(root)),
        variant(
            "unk_token fused",
            root -> {
              withoutByteLevel(root);
              ((ObjectNode) root.get("model")).put("fuse_unk", true);
            }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void encodesLikeHuggingFace(
      String name, Consumer<ObjectNode> change, @org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(base.resolve("tokenizer.json").toFile());
    change.accept(root);
    JSON.writeValue(dir.resolve("tokenizer.json").toFile(), root);
    Files.copy(base.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
    Tokenizer ours = Tokenizer.load(dir);
    List<String> mismatches = new ArrayList<>();
    long tokens = 0;
    try (HuggingFaceOracle oracle = new HuggingFaceOracle(dir)) {
      for (String text : CORPUS) {
        int[] expected = oracle.encode(text);
        int[] actual = ours.encode(text);
        tokens += expected.length;
        if (!Arrays.equals(expected, actual)) {
          mismatches.add(
              TokenizerParityTest.escape(text)
                  + "\n  expected "
                  + Arrays.toString(expected)
                  + "\n  actual   "
                  + Arrays.toString(actual));
        }
      }
    }
    assertThat(tokens).isPositive();
    assertThat(mismatches).as(name).isEmpty();
  }

  private static Arguments variant(String name, Consumer<ObjectNode> change) {
    return Arguments.of(name, change);
  }

  private static Consumer<ObjectNode> splitBehavior(String behavior, boolean invert) {
    return root -> {
      ObjectNode split = (ObjectNode) root.at("/pre_tokenizer/pretokenizers/0");
      split.put("behavior", behavior);
      split.put("invert", invert);
    };
  }

  private static ObjectNode addedToken(ObjectNode root, String content) {
    for (JsonNode t : root.get("added_tokens")) {
      if (t.get("content").asText().equals(content)) {
        return (ObjectNode) t;
      }
    }
    throw new AssertionError("no added token " + content);
  }

  /** Keeps only the regex split, so characters outside the vocabulary reach the model. */
  private static void withoutByteLevel(ObjectNode root) {
    ArrayNode steps = (ArrayNode) root.at("/pre_tokenizer/pretokenizers");
    steps.remove(1);
  }
}
