package dev.inference.nemotron.pod.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Split} pre-tokenizer: cuts a piece at the matches of a pattern and decides, per {@link
 * Behavior}, what happens to the matched delimiters. With {@code invert} the matches are the
 * content and the gaps between them the delimiters (GPT-4o's {@code Removed} + invert keeps only
 * matched text).
 */
record RegexSplit(Pattern pattern, Behavior behavior, boolean invert) implements PreTokenizer {

  /** What happens to a delimiter, as Hugging Face's {@code SplitDelimiterBehavior}. */
  enum Behavior {
    REMOVED,
    ISOLATED,
    MERGED_WITH_PREVIOUS,
    MERGED_WITH_NEXT,
    CONTIGUOUS;

    /** Parses the {@code tokenizer.json} spelling ({@code "MergedWithPrevious"}). */
    static Behavior parse(String name) {
      return switch (name) {
        case "Removed" -> REMOVED;
        case "Isolated" -> ISOLATED;
        case "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
        case "MergedWithNext" -> MERGED_WITH_NEXT;
        case "Contiguous" -> CONTIGUOUS;
        default ->
            throw new IllegalArgumentException(
                "unknown Split behavior '"
                    + name
                    + "': expected Removed, Isolated, MergedWithPrevious, MergedWithNext or"
                    + " Contiguous");
      };
    }
  }

  @Override
  public void pretokenize(String piece, List<String> out) {
    // Spans as [start, end, isDelimiter] triples, covering the whole piece in order.
    List<int[]> spans = new ArrayList<>();
    Matcher m = pattern.matcher(piece);
    int previous = 0;
    while (m.find()) {
      if (previous != m.start()) {
        spans.add(new int[] {previous, m.start(), invert ? 1 : 0});
      }
      spans.add(new int[] {m.start(), m.end(), invert ? 0 : 1});
      previous = m.end();
    }
    if (previous != piece.length()) {
      spans.add(new int[] {previous, piece.length(), invert ? 1 : 0});
    }
    for (int[] span : arrange(spans)) {
      if (span[2] == 0 && span[0] < span[1]) {
        out.add(piece.substring(span[0], span[1]));
      }
    }
  }

  /** Applies the behavior; the third element of each result span is 1 for "drop it". */
  private List<int[]> arrange(List<int[]> spans) {
    List<int[]> result = new ArrayList<>(spans.size());
    boolean previousDelimiter = false;
    switch (behavior) {
      case REMOVED -> result.addAll(spans);
      case ISOLATED -> spans.forEach(s -> result.add(new int[] {s[0], s[1], 0}));
      case CONTIGUOUS -> {
        for (int[] s : spans) {
          boolean delimiter = s[2] == 1;
          if (delimiter == previousDelimiter && !result.isEmpty()) {
            result.getLast()[1] = s[1];
          } else {
            result.add(new int[] {s[0], s[1], 0});
          }
          previousDelimiter = delimiter;
        }
      }
      case MERGED_WITH_PREVIOUS -> {
        for (int[] s : spans) {
          boolean delimiter = s[2] == 1;
          if (delimiter && !previousDelimiter && !result.isEmpty()) {
            result.getLast()[1] = s[1];
          } else {
            result.add(new int[] {s[0], s[1], 0});
          }
          previousDelimiter = delimiter;
        }
      }
      case MERGED_WITH_NEXT -> {
        for (int i = spans.size() - 1; i >= 0; i--) {
          int[] s = spans.get(i);
          boolean delimiter = s[2] == 1;
          if (delimiter && !previousDelimiter && !result.isEmpty()) {
            result.getFirst()[0] = s[0];
          } else {
            result.addFirst(new int[] {s[0], s[1], 0});
          }
          previousDelimiter = delimiter;
        }
      }
    }
    return result;
  }
}
