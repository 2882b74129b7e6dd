package dev.inference.nemotron.pod.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The reference Hugging Face {@code tokenizers} library (native, through DJL), configured like our
 * tokenizer: no special tokens added, no truncation, no padding.
 */
final class HuggingFaceOracle implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;

  HuggingFaceOracle(Path dir) throws IOException {
    tokenizer =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(dir)
            .optAddSpecialTokens(false)
            .optTruncation(false)
            .optPadding(false)
            .build();
  }

  int[] encode(String text) {
    long[] ids = tokenizer.encode(text, false, false).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  String decode(int[] ids, boolean skipSpecialTokens) {
    long[] wide = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      wide[i] = ids[i];
    }
    return tokenizer.decode(wide, skipSpecialTokens);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
