package dev.inference.nemotron.pod.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a small but real byte-level BPE tokenizer for tiny test checkpoints, in the schema of
 * Ministral-3's {@code tokenizer.json}: NFC normalizer, a regex {@code Split} plus {@code
 * ByteLevel} pre-tokenizer, a BPE model and a {@code ByteLevel} decoder. Ids 0..100 are special
 * tokens ({@code <unk>}, {@code <s>}, {@code </s>} as EOS, the ChatML and think markers, {@code
 * <SPECIAL_k>} padding, {@code <mask>} at 100), then come the 256 byte tokens, then merges learned
 * by BPE training on a built-in English and code corpus until the vocabulary has the requested
 * size. The Hugging Face library loads the result (a test checks that it encodes identically).
 */
public final class TinyTokenizerFiles {

  /** The ids a tiny checkpoint needs. */
  public record Ids(int bos, int eos, int mask, int vocabularySize) {}

  /** The smallest vocabulary: 101 special ids, 256 byte tokens and a few merges. */
  public static final int MIN_VOCABULARY_SIZE = 384;

  static final int MASK_ID = 100;
  static final int BYTE_TOKENS_START = MASK_ID + 1;

  /** Tekken (Ministral-3) style split: words with their leading space or mark, digits alone. */
  static final String SPLIT_REGEX =
      "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+"
          + "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*"
          + "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

  private static final List<String> NAMED_SPECIALS =
      List.of(
          "<unk>",
          "<s>",
          "</s>",
          ChatTemplate.IM_START,
          ChatTemplate.IM_END,
          ChatTemplate.THINK,
          ChatTemplate.END_THINK);

  private static final ObjectMapper JSON = new ObjectMapper();

  private TinyTokenizerFiles() {}

  /**
   * Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir} (created if
   * needed) with exactly {@code vocabularySize} ids.
   *
   * @throws IllegalArgumentException when the size is below {@link #MIN_VOCABULARY_SIZE} or above
   *     what the built-in corpus can train
   */
  public static Ids write(Path dir, int vocabularySize) throws IOException {
    if (vocabularySize < MIN_VOCABULARY_SIZE) {
      throw new IllegalArgumentException(
          "tiny tokenizer vocabulary size "
              + vocabularySize
              + " is too small: it needs at least "
              + MIN_VOCABULARY_SIZE
              + " (101 special ids, 256 byte tokens and some merges)");
    }
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (String special : specials()) {
      vocab.put(special, vocab.size());
    }
    Set<String> known = new HashSet<>(vocab.keySet());
    for (int b = 0; b < 256; b++) {
      String c = String.valueOf(ByteLevel.charOf(b));
      vocab.put(c, vocab.size());
      known.add(c);
    }
    RegexSplit split =
        new RegexSplit(OnigPattern.compile(SPLIT_REGEX), RegexSplit.Behavior.ISOLATED, false);
    PreTokenizer preTokenizer =
        new PreTokenizer.Sequence(List.of(split, new ByteLevel(false, false)));
    TextNormalizer nfc = new TextNormalizer.UnicodeForm(Normalizer.Form.NFC);
    int wanted = vocabularySize - vocab.size();
    List<BpeTrainer.Merge> merges =
        new BpeTrainer(TinyCorpus.TEXT, nfc, preTokenizer).learn(wanted, known);
    for (BpeTrainer.Merge m : merges) {
      vocab.putIfAbsent(m.merged(), vocab.size());
    }
    if (vocab.size() != vocabularySize) {
      throw new IllegalArgumentException(
          "tiny tokenizer vocabulary size "
              + vocabularySize
              + " is too large: the built-in corpus trains at most "
              + vocab.size()
              + " ids");
    }
    Files.createDirectories(dir);
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("tokenizer.json").toFile(), tokenizerJson(vocab, merges));
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("tokenizer_config.json").toFile(), configJson());
    return new Ids(1, 2, MASK_ID, vocabularySize);
  }

  static List<String> specials() {
    List<String> specials = new ArrayList<>(NAMED_SPECIALS);
    while (specials.size() < MASK_ID) {
      specials.add("<SPECIAL_" + specials.size() + ">");
    }
    specials.add("<mask>");
    return specials;
  }

  /** The think markers are not special: a decoded answer keeps them, as Qwen3 and Ministral do. */
  private static boolean isSpecial(String token) {
    return !token.equals(ChatTemplate.THINK) && !token.equals(ChatTemplate.END_THINK);
  }

  private static ObjectNode tokenizerJson(
      Map<String, Integer> vocab, List<BpeTrainer.Merge> merges) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    List<String> specials = specials();
    for (int id = 0; id < specials.size(); id++) {
      ObjectNode t = added.addObject();
      t.put("id", id);
      t.put("content", specials.get(id));
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", isSpecial(specials.get(id)));
    }
    root.putObject("normalizer").put("type", "NFC");
    ObjectNode pre = root.putObject("pre_tokenizer");
    pre.put("type", "Sequence");
    ArrayNode steps = pre.putArray("pretokenizers");
    ObjectNode split = steps.addObject();
    split.put("type", "Split");
    split.putObject("pattern").put("Regex", SPLIT_REGEX);
    split.put("behavior", "Isolated");
    split.put("invert", false);
    byteLevel(steps.addObject(), false, false);
    root.putNull("post_processor");
    byteLevel(root.putObject("decoder"), true, true);
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.put("unk_token", "<unk>");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("ignore_merges", false);
    ObjectNode vocabNode = model.putObject("vocab");
    vocab.forEach(vocabNode::put);
    ArrayNode mergesNode = model.putArray("merges");
    for (BpeTrainer.Merge m : merges) {
      mergesNode.addArray().add(m.left()).add(m.right());
    }
    return root;
  }

  private static void byteLevel(ObjectNode node, boolean addPrefixSpace, boolean useRegex) {
    node.put("type", "ByteLevel");
    node.put("add_prefix_space", addPrefixSpace);
    node.put("trim_offsets", true);
    node.put("use_regex", useRegex);
  }

  private static ObjectNode configJson() {
    ObjectNode config = JSON.createObjectNode();
    config.put("add_bos_token", false);
    config.put("add_eos_token", false);
    config.put("bos_token", "<s>");
    config.put("eos_token", "</s>");
    config.put("unk_token", "<unk>");
    config.put("mask_token", "<mask>");
    config.put("model_max_length", 4096);
    config.put("tokenizer_class", "PreTrainedTokenizerFast");
    List<String> specials = specials();
    ObjectNode decoder = config.putObject("added_tokens_decoder");
    for (int id = 0; id < specials.size(); id++) {
      ObjectNode t = decoder.putObject(Integer.toString(id));
      t.put("content", specials.get(id));
      t.put("lstrip", false);
      t.put("normalized", false);
      t.put("rstrip", false);
      t.put("single_word", false);
      t.put("special", isSpecial(specials.get(id)));
    }
    return config;
  }
}
