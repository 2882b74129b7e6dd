package dev.inference.nemotron.pod.tokenizer;

/**
 * An entry of {@code added_tokens} in {@code tokenizer.json}: matched in the raw text before
 * normalization and BPE, with the Hugging Face flags that shape the match.
 *
 * @param id the token id
 * @param content the exact text of the token
 * @param singleWord only match when not inside a word
 * @param lstrip the match swallows the whitespace on its left
 * @param rstrip the match swallows the whitespace on its right
 * @param normalized match against the normalized text rather than the raw text
 * @param special a special token (dropped by {@code decode(ids, true)})
 */
record AddedToken(
    int id,
    String content,
    boolean singleWord,
    boolean lstrip,
    boolean rstrip,
    boolean normalized,
    boolean special) {
  AddedToken {
    if (id < 0) {
      throw new IllegalArgumentException("added token '" + content + "' has negative id " + id);
    }
    if (content == null || content.isEmpty()) {
      throw new IllegalArgumentException("added token " + id + " has empty content");
    }
  }
}
