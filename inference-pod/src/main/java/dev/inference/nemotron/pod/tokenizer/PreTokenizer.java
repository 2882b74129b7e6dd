package dev.inference.nemotron.pod.tokenizer;

import java.util.ArrayList;
import java.util.List;

/** Splits normalized text into the pieces the model tokenizes one by one. */
interface PreTokenizer {

  /** Appends the non-empty pieces of {@code piece} to {@code out}. */
  void pretokenize(String piece, List<String> out);

  /** Pre-tokenizers applied in order, each to every piece the previous one produced. */
  record Sequence(List<PreTokenizer> steps) implements PreTokenizer {
    public Sequence {
      steps = List.copyOf(steps);
    }

    @Override
    public void pretokenize(String piece, List<String> out) {
      List<String> current = List.of(piece);
      for (PreTokenizer step : steps) {
        List<String> next = new ArrayList<>(current.size() * 2);
        for (String p : current) {
          step.pretokenize(p, next);
        }
        current = next;
      }
      out.addAll(current);
    }
  }
}
