package dev.inference.nemotron.pod.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GPT-2 byte-level alphabet: every byte maps to one printable character so that BPE works on
 * bytes while vocabularies stay readable ({@code Ġ} is the space byte). Also the {@code ByteLevel}
 * pre-tokenizer of {@code tokenizer.json}.
 */
record ByteLevel(boolean addPrefixSpace, boolean useRegex) implements PreTokenizer {

  /** The regex GPT-2 splits with when {@code use_regex} is true. */
  private static final Pattern GPT2_SPLIT =
      OnigPattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

  private static final char[] BYTE_TO_CHAR = new char[256];
  private static final int[] CHAR_TO_BYTE = new int[512];

  static {
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    int next = 256;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      char c = (char) (printable ? b : next++);
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = b;
    }
  }

  /** The character standing for {@code b} (0..255). */
  static char charOf(int b) {
    return BYTE_TO_CHAR[b & 0xFF];
  }

  /** Maps the UTF-8 bytes of {@code text} to byte-level characters. */
  static String toByteChars(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    char[] out = new char[utf8.length];
    for (int i = 0; i < utf8.length; i++) {
      out[i] = BYTE_TO_CHAR[utf8[i] & 0xFF];
    }
    return new String(out);
  }

  /**
   * The bytes a token stands for, as the Hugging Face {@code ByteLevel} decoder computes them: the
   * mapped bytes when every character is in the byte alphabet, else the token's own UTF-8 bytes.
   */
  static byte[] tokenBytes(String token) {
    byte[] out = new byte[token.length()];
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
      if (b < 0) {
        return token.getBytes(StandardCharsets.UTF_8);
      }
      out[i] = (byte) b;
    }
    return out;
  }

  @Override
  public void pretokenize(String piece, List<String> out) {
    String text = addPrefixSpace && !piece.startsWith(" ") ? " " + piece : piece;
    if (!useRegex) {
      out.add(toByteChars(text));
      return;
    }
    Matcher m = GPT2_SPLIT.matcher(text);
    int previous = 0;
    while (m.find()) {
      addNonEmpty(text, previous, m.start(), out);
      addNonEmpty(text, m.start(), m.end(), out);
      previous = m.end();
    }
    addNonEmpty(text, previous, text.length(), out);
  }

  private static void addNonEmpty(String text, int start, int end, List<String> out) {
    if (start < end) {
      out.add(toByteChars(text.substring(start, end)));
    }
  }
}
