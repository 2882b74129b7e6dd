package dev.inference.nemotron.pod.serve.api;

import java.util.Arrays;
import java.util.Objects;

/** One prompt of {@code POST /v1/completions}: text to tokenize, or token ids given as they are. */
public sealed interface Prompt {

  /** A text prompt. */
  record Text(String text) implements Prompt {
    /** Checks that the text is present and not empty. */
    public Text {
      Objects.requireNonNull(text, "text");
      if (text.isEmpty()) {
        throw new IllegalArgumentException("a text prompt must not be empty");
      }
    }
  }

  /**
   * A prompt of token ids, used without tokenizing (and without adding a BOS token). Ids are >= 0;
   * whether they are below the vocabulary size is for the server to check against its tokenizer.
   */
  record Tokens(int[] ids) implements Prompt {
    /** Copies the ids and checks that there is at least one and none is negative. */
    public Tokens {
      ids = ids.clone();
      if (ids.length == 0) {
        throw new IllegalArgumentException("a token prompt must not be empty");
      }
      for (int id : ids) {
        if (id < 0) {
          throw new IllegalArgumentException("token ids are >= 0, got " + id);
        }
      }
    }

    /** A copy of the ids. */
    @Override
    public int[] ids() {
      return ids.clone();
    }

    /** The number of ids. */
    public int length() {
      return ids.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Tokens other && Arrays.equals(ids, other.ids);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
      return "Tokens" + Arrays.toString(ids);
    }
  }
}
