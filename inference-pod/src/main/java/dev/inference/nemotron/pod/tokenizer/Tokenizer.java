package dev.inference.nemotron.pod.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inference.nemotron.pod.model.FileAccess;
import dev.inference.nemotron.pod.model.Printable;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A byte-level BPE tokenizer read from a Hugging Face {@code tokenizer.json} (and, when present,
 * {@code tokenizer_config.json}), producing exactly the ids of the Hugging Face {@code tokenizers}
 * library. Encoding runs the library's pipeline: added tokens are cut out of the raw text first,
 * the rest is normalized, pre-tokenized (regex split, byte-level mapping) and merged by the BPE
 * model. No BOS/EOS is ever added. Instances are immutable and safe to share between threads.
 */
public final class Tokenizer {
  /**
   * The largest vocabulary (highest id + 1) a tokenizer may have: 64 times that of the models
   * served, and small enough that the tables indexed by id fit any heap the runtime runs with.
   */
  public static final int MAX_VOCABULARY_SIZE = 1 << 23;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TextNormalizer normalizer;
  private final PreTokenizer preTokenizer;
  private final BytePairModel model;
  private final AddedVocabulary added;
  private final String[] tokenById;
  private final byte[][] bytesById;
  private final boolean[] specialById;
  private final int eosId;
  private final String source;
  private final ChatTemplate.Definition chat;

  private Tokenizer(
      TextNormalizer normalizer,
      PreTokenizer preTokenizer,
      BytePairModel model,
      AddedVocabulary added,
      int eosId,
      String source,
      ChatTemplate.Definition chat) {
    this.normalizer = normalizer;
    this.preTokenizer = preTokenizer;
    this.model = model;
    this.added = added;
    this.source = source;
    this.chat = chat;
    int size = 0;
    for (int id : model.vocab().values()) {
      size = Math.max(size, id + 1);
    }
    for (AddedToken t : added.all()) {
      size = Math.max(size, t.id() + 1);
    }
    tokenById = new String[size];
    for (Map.Entry<String, Integer> e : model.vocab().entrySet()) {
      tokenById[e.getValue()] = e.getKey();
    }
    for (AddedToken t : added.all()) {
      tokenById[t.id()] = t.content();
    }
    bytesById = new byte[size][];
    specialById = new boolean[size];
    for (int id = 0; id < size; id++) {
      if (tokenById[id] != null) {
        bytesById[id] = ByteLevel.tokenBytes(tokenById[id]);
        specialById[id] = added.isSpecial(tokenById[id]);
      }
    }
    this.eosId = eosId;
  }

  /**
   * Loads the tokenizer in {@code dir} ({@code tokenizer.json}, optional {@code
   * tokenizer_config.json}). {@code dir} may also be the {@code tokenizer.json} file itself.
   *
   * @throws IOException when a file cannot be read
   * @throws IllegalArgumentException when a file is malformed or uses an unsupported feature; the
   *     message names the file and the JSON path
   */
  public static Tokenizer load(Path dir) throws IOException {
    Path file = FileAccess.kind(dir) == FileAccess.Kind.FILE ? dir : dir.resolve("tokenizer.json");
    if (FileAccess.kind(file) != FileAccess.Kind.FILE) {
      throw new NoSuchFileException(
          file.toString(),
          null,
          "not found: no tokenizer.json (expected a Hugging Face tokenizer directory, or its"
              + " tokenizer.json file itself)");
    }
    JsonNode root = readJson(file);
    Path configFile = file.resolveSibling("tokenizer_config.json");
    JsonNode config =
        FileAccess.kind(configFile) == FileAccess.Kind.MISSING ? null : readJson(configFile);
    TextNormalizer normalizer;
    PreTokenizer preTokenizer;
    BytePairModel model;
    AddedVocabulary added;
    try {
      normalizer = TokenizerJson.normalizer(root.get("normalizer"), "normalizer");
      preTokenizer = TokenizerJson.preTokenizer(root.get("pre_tokenizer"), "pre_tokenizer");
      TokenizerJson.requireByteLevelDecoder(root.get("decoder"), "decoder");
      model = TokenizerJson.model(root.get("model"), "model");
      added =
          new AddedVocabulary(
              TokenizerJson.addedTokens(root.get("added_tokens"), "added_tokens"), normalizer);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(Printable.quote(file + ": " + e.getMessage()), e);
    }
    int eosId = -1;
    String eos = config == null ? null : tokenText(config.get("eos_token"));
    if (eos != null) {
      AddedToken addedEos = added.byContent(eos);
      Integer id = addedEos != null ? Integer.valueOf(addedEos.id()) : model.vocab().get(eos);
      if (id == null) {
        throw new IllegalArgumentException(
            Printable.quote(
                configFile + ": eos_token '" + eos + "' is not in the vocabulary of " + file));
      }
      eosId = id;
    }
    ChatTemplate.Definition chat;
    try {
      chat = ChatTemplate.Definition.read(config, configFile);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(Printable.quote(e.getMessage()), e);
    }
    return new Tokenizer(normalizer, preTokenizer, model, added, eosId, file.toString(), chat);
  }

  private static JsonNode readJson(Path file) throws IOException {
    String text = FileAccess.readString(file);
    try {
      JsonNode node = JSON.readTree(text);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException(file + ": expected a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          Printable.quote(file + ": malformed JSON: " + e.getOriginalMessage()), e);
    }
  }

  /** A token in {@code tokenizer_config.json}: a string or an {@code {"content": ...}} object. */
  static String tokenText(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isObject() && node.hasNonNull("content")) {
      return node.get("content").asText();
    }
    return node.isTextual() ? node.asText() : null;
  }

  /** The ids of {@code text}: added and special tokens matched first; no BOS/EOS added. */
  public int[] encode(String text) {
    IdBuffer out = new IdBuffer();
    List<AddedVocabulary.Piece> raw = new ArrayList<>();
    added.splitRaw(text, raw);
    List<AddedVocabulary.Piece> normalized = new ArrayList<>();
    List<String> words = new ArrayList<>();
    for (AddedVocabulary.Piece piece : raw) {
      if (piece.isToken()) {
        out.add(piece.id());
        continue;
      }
      normalized.clear();
      added.splitNormalized(normalizer.normalize(piece.text()), normalized);
      for (AddedVocabulary.Piece part : normalized) {
        if (part.isToken()) {
          out.add(part.id());
        } else if (!part.text().isEmpty()) {
          words.clear();
          preTokenizer.pretokenize(part.text(), words);
          for (String word : words) {
            model.tokenize(word, out);
          }
        }
      }
    }
    return out.toArray();
  }

  /** The text of {@code ids}, special tokens included; unknown ids are skipped. */
  public String decode(int[] ids) {
    return decode(ids, false);
  }

  /** The text of {@code ids}; unknown ids are skipped, special tokens too if asked. */
  public String decode(int[] ids, boolean skipSpecialTokens) {
    byte[] buffer = new byte[Math.max(16, ids.length * 4)];
    int length = 0;
    for (int id : ids) {
      byte[] bytes = bytesOf(id, skipSpecialTokens);
      if (length + bytes.length > buffer.length) {
        buffer =
            java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + bytes.length));
      }
      System.arraycopy(bytes, 0, buffer, length, bytes.length);
      length += bytes.length;
    }
    return Utf8.decode(buffer, length);
  }

  /** The bytes {@code id} decodes to; empty for unknown ids and skipped special tokens. */
  byte[] bytesOf(int id, boolean skipSpecialTokens) {
    if (id < 0 || id >= bytesById.length || bytesById[id] == null) {
      return new byte[0];
    }
    return skipSpecialTokens && specialById[id] ? new byte[0] : bytesById[id];
  }

  /** A decoder for generated ids that returns only complete characters; specials included. */
  public StreamingDecoder streamingDecoder() {
    return new StreamingDecoder(this, false);
  }

  /** A decoder for generated ids that returns only complete characters. */
  public StreamingDecoder streamingDecoder(boolean skipSpecialTokens) {
    return new StreamingDecoder(this, skipSpecialTokens);
  }

  /** The id of a token string (added tokens first, then the BPE vocabulary). */
  public OptionalInt tokenId(String token) {
    AddedToken a = added.byContent(token);
    if (a != null) {
      return OptionalInt.of(a.id());
    }
    Integer id = model.vocab().get(token);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /** The token string of an id, in its stored (byte-level) spelling. */
  public Optional<String> token(int id) {
    return id < 0 || id >= tokenById.length ? Optional.empty() : Optional.ofNullable(tokenById[id]);
  }

  /** Whether {@code id} is a special added token. */
  public boolean isSpecial(int id) {
    return id >= 0 && id < specialById.length && specialById[id];
  }

  /** Max id + 1 over the vocabulary and the added tokens. */
  public int vocabularySize() {
    return tokenById.length;
  }

  /** The id of {@code eos_token} of {@code tokenizer_config.json}, if the file names one. */
  public OptionalInt eosTokenId() {
    return eosId < 0 ? OptionalInt.empty() : OptionalInt.of(eosId);
  }

  /**
   * The chat format of the model: the checkpoint's own Jinja {@code chat_template} when it has one,
   * else ChatML with a think block (see {@link ChatTemplate}).
   *
   * @throws dev.inference.nemotron.pod.tokenizer.jinja.TemplateException when the checkpoint
   *     template has a syntax error (the message names the file, line and column)
   * @throws IllegalStateException when there is no checkpoint template and the vocabulary lacks one
   *     of the ChatML tokens
   */
  public ChatTemplate chatTemplate() {
    return new ChatTemplate(this, chat);
  }

  @Override
  public String toString() {
    return "Tokenizer[" + source + ", " + vocabularySize() + " ids]";
  }
}
