package dev.inference.nemotron.pod.tokenizer;

/**
 * UTF-8 decoding with the replacement policy of Rust's {@code String::from_utf8_lossy} (one U+FFFD
 * per maximal ill-formed subpart, as the Unicode standard recommends), so that decoded text matches
 * Hugging Face's character for character even for invalid byte sequences.
 */
final class Utf8 {
  private static final char REPLACEMENT = '\uFFFD';

  private Utf8() {}

  /** Decodes all of {@code bytes[0, length)}; a truncated sequence at the end becomes U+FFFD. */
  static String decode(byte[] bytes, int length) {
    StringBuilder out = new StringBuilder(length);
    decode(bytes, length, true, out);
    return out.toString();
  }

  /**
   * Decodes {@code bytes[0, length)} into {@code out}. When {@code flush} is false a sequence that
   * is valid so far but cut off by the end is left undecoded; returns the bytes consumed.
   */
  static int decode(byte[] bytes, int length, boolean flush, StringBuilder out) {
    int i = 0;
    while (i < length) {
      int lead = bytes[i] & 0xFF;
      if (lead < 0x80) {
        out.append((char) lead);
        i++;
        continue;
      }
      int needed;
      int min = 0x80;
      int max = 0xBF;
      if (lead >= 0xC2 && lead <= 0xDF) {
        needed = 1;
      } else if (lead >= 0xE0 && lead <= 0xEF) {
        needed = 2;
        if (lead == 0xE0) {
          min = 0xA0;
        } else if (lead == 0xED) {
          max = 0x9F;
        }
      } else if (lead >= 0xF0 && lead <= 0xF4) {
        needed = 3;
        if (lead == 0xF0) {
          min = 0x90;
        } else if (lead == 0xF4) {
          max = 0x8F;
        }
      } else {
        out.append(REPLACEMENT);
        i++;
        continue;
      }
      int codePoint = lead & (0x3F >> needed);
      int j = i + 1;
      int got = 0;
      while (got < needed && j < length) {
        int b = bytes[j] & 0xFF;
        // Only the first continuation byte has a narrowed range (no overlongs, no surrogates).
        int lo = got == 0 ? min : 0x80;
        int hi = got == 0 ? max : 0xBF;
        if (b < lo || b > hi) {
          break;
        }
        codePoint = (codePoint << 6) | (b & 0x3F);
        j++;
        got++;
      }
      if (got == needed) {
        out.appendCodePoint(codePoint);
      } else if (j == length && !flush) {
        return i;
      } else {
        out.append(REPLACEMENT);
      }
      i = j;
    }
    return length;
  }
}
