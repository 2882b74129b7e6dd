package dev.inference.nemotron.pod.tokenizer;

import java.text.Normalizer;
import java.util.List;

/** The {@code normalizer} of {@code tokenizer.json}: rewrites text before pre-tokenization. */
interface TextNormalizer {

  /** Leaves text unchanged (a {@code null} normalizer). */
  TextNormalizer IDENTITY = text -> text;

  String normalize(String text);

  /** One of the four Unicode normalization forms ({@code NFC}, {@code NFD}, ...). */
  record UnicodeForm(Normalizer.Form form) implements TextNormalizer {
    @Override
    public String normalize(String text) {
      return Normalizer.normalize(text, form);
    }
  }

  /** Normalizers applied in order. */
  record Sequence(List<TextNormalizer> steps) implements TextNormalizer {
    public Sequence {
      steps = List.copyOf(steps);
    }

    @Override
    public String normalize(String text) {
      String result = text;
      for (TextNormalizer step : steps) {
        result = step.normalize(result);
      }
      return result;
    }
  }
}
