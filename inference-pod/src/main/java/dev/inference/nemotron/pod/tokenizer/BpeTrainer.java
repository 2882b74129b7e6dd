package dev.inference.nemotron.pod.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Learns byte-level BPE merges from text, the classic way: count adjacent symbol pairs over all
 * words (weighted by word frequency), merge the most frequent pair everywhere, repeat. Ties go to
 * the lexicographically smallest pair, so the result is deterministic.
 */
final class BpeTrainer {

  /** One learned merge: {@code left + right} becomes a new symbol. */
  record Merge(String left, String right) {
    String merged() {
      return left + right;
    }
  }

  private final List<List<String>> words = new ArrayList<>();
  private final List<Integer> counts = new ArrayList<>();

  /** Prepares training on {@code text}, pre-tokenized (and byte-mapped) by {@code preTokenizer}. */
  BpeTrainer(String text, TextNormalizer normalizer, PreTokenizer preTokenizer) {
    List<String> pieces = new ArrayList<>();
    preTokenizer.pretokenize(normalizer.normalize(text), pieces);
    Map<String, Integer> frequency = new TreeMap<>();
    for (String piece : pieces) {
      frequency.merge(piece, 1, Integer::sum);
    }
    for (Map.Entry<String, Integer> e : frequency.entrySet()) {
      List<String> symbols = new ArrayList<>();
      e.getKey().codePoints().forEach(cp -> symbols.add(Character.toString(cp)));
      words.add(symbols);
      counts.add(e.getValue());
    }
  }

  /**
   * Learns merges until {@code newSymbols} symbols not yet in {@code known} exist, adding each to
   * {@code known}; returns the merges in rank order, or fewer when every word is a single symbol.
   */
  List<Merge> learn(int newSymbols, java.util.Set<String> known) {
    List<Merge> merges = new ArrayList<>();
    int added = 0;
    while (added < newSymbols) {
      Merge best = mostFrequentPair();
      if (best == null) {
        break;
      }
      merges.add(best);
      if (known.add(best.merged())) {
        added++;
      }
      for (List<String> word : words) {
        apply(best, word);
      }
    }
    return merges;
  }

  private Merge mostFrequentPair() {
    Map<Merge, Long> pairs = new HashMap<>();
    for (int w = 0; w < words.size(); w++) {
      List<String> word = words.get(w);
      for (int i = 0; i + 1 < word.size(); i++) {
        pairs.merge(new Merge(word.get(i), word.get(i + 1)), (long) counts.get(w), Long::sum);
      }
    }
    Merge best = null;
    long bestCount = 0;
    for (Map.Entry<Merge, Long> e : pairs.entrySet()) {
      long c = e.getValue();
      if (c > bestCount || (c == bestCount && precedes(e.getKey(), best))) {
        best = e.getKey();
        bestCount = c;
      }
    }
    return best;
  }

  private static boolean precedes(Merge a, Merge b) {
    int byLeft = a.left().compareTo(b.left());
    return byLeft != 0 ? byLeft < 0 : a.right().compareTo(b.right()) < 0;
  }

  private static void apply(Merge merge, List<String> word) {
    for (int i = 0; i + 1 < word.size(); i++) {
      if (word.get(i).equals(merge.left()) && word.get(i + 1).equals(merge.right())) {
        word.set(i, merge.merged());
        word.remove(i + 1);
      }
    }
  }
}
