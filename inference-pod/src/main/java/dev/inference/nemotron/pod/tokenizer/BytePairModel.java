package dev.inference.nemotron.pod.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code BPE} model of {@code tokenizer.json}: a word starts as one symbol per character and
 * adjacent symbols merge, lowest merge rank first (leftmost on ties), until no pair merges. Symbols
 * form a linked list and candidate merges sit in a binary heap, so a word of n characters costs O(n
 * log n), not O(n²). Results are cached per word, bounded, and safe for concurrent encoders.
 */
final class BytePairModel {

  /** Words longer than this are not cached: they are rare and would crowd out common ones. */
  private static final int MAX_CACHED_WORD = 256;

  private static final int CACHE_CAPACITY = 1 << 16;
  private static final int[] NO_IDS = new int[0];

  private final Map<String, Integer> vocab;
  private final MergeTable merges;
  private final int unkId;
  private final boolean fuseUnk;
  private final boolean byteFallback;
  private final boolean ignoreMerges;
  private final String continuingSubwordPrefix;
  private final String endOfWordSuffix;
  private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

  /**
   * @param unkId the id of {@code unk_token}, or -1 when the model has none (unknown characters are
   *     then dropped, as in Hugging Face)
   */
  BytePairModel(
      Map<String, Integer> vocab,
      MergeTable merges,
      int unkId,
      boolean fuseUnk,
      boolean byteFallback,
      boolean ignoreMerges,
      String continuingSubwordPrefix,
      String endOfWordSuffix) {
    this.vocab = vocab;
    this.merges = merges;
    this.unkId = unkId;
    this.fuseUnk = fuseUnk;
    this.byteFallback = byteFallback;
    this.ignoreMerges = ignoreMerges;
    this.continuingSubwordPrefix = continuingSubwordPrefix;
    this.endOfWordSuffix = endOfWordSuffix;
  }

  Map<String, Integer> vocab() {
    return vocab;
  }

  /** Appends the ids of one pre-tokenized word to {@code out}. */
  void tokenize(String word, IdBuffer out) {
    if (word.isEmpty()) {
      return;
    }
    if (ignoreMerges) {
      Integer whole = vocab.get(word);
      if (whole != null) {
        out.add(whole);
        return;
      }
    }
    int[] cached = cache.get(word);
    if (cached == null) {
      cached = merge(word);
      if (word.length() <= MAX_CACHED_WORD) {
        if (cache.size() >= CACHE_CAPACITY) {
          // Dropping everything is crude but keeps the bound without per-hit bookkeeping; the
          // common words come back within a few requests.
          cache.clear();
        }
        cache.put(word, cached);
      }
    }
    out.addAll(cached);
  }

  private int[] merge(String word) {
    Symbols symbols = initialSymbols(word);
    int n = symbols.count;
    if (n == 0) {
      return NO_IDS;
    }
    int[] id = symbols.ids;
    int[] prev = new int[n];
    int[] next = new int[n];
    boolean[] removed = new boolean[n];
    for (int i = 0; i < n; i++) {
      prev[i] = i - 1;
      next[i] = i + 1 < n ? i + 1 : -1;
    }
    MergeQueue queue = new MergeQueue(n);
    for (int i = 0; i + 1 < n; i++) {
      long m = merges.find(id[i], id[i + 1]);
      if (m >= 0) {
        queue.push(rank(m), i, merged(m));
      }
    }
    while (!queue.isEmpty()) {
      int pos = queue.topPosition();
      int newId = queue.topMerged();
      queue.pop();
      if (removed[pos] || next[pos] < 0) {
        continue;
      }
      int right = next[pos];
      long current = merges.find(id[pos], id[right]);
      // An entry whose pair has changed since it was queued is stale.
      if (current < 0 || merged(current) != newId) {
        continue;
      }
      id[pos] = newId;
      removed[right] = true;
      next[pos] = next[right];
      if (next[right] >= 0) {
        prev[next[right]] = pos;
      }
      if (prev[pos] >= 0) {
        long m = merges.find(id[prev[pos]], id[pos]);
        if (m >= 0) {
          queue.push(rank(m), prev[pos], merged(m));
        }
      }
      if (next[pos] >= 0) {
        long m = merges.find(id[pos], id[next[pos]]);
        if (m >= 0) {
          queue.push(rank(m), pos, merged(m));
        }
      }
    }
    int[] result = new int[n];
    int count = 0;
    for (int i = 0; i < n; i++) {
      if (!removed[i]) {
        result[count++] = id[i];
      }
    }
    return Arrays.copyOf(result, count);
  }

  private static int rank(long merge) {
    return (int) (merge >>> 32);
  }

  private static int merged(long merge) {
    return (int) merge;
  }

  /** One symbol per character, with unknown characters resolved as Hugging Face's merge_word. */
  private Symbols initialSymbols(String word) {
    Symbols symbols = new Symbols(word.length());
    int pendingUnk = -1;
    for (int i = 0; i < word.length(); ) {
      int end = i + Character.charCount(word.codePointAt(i));
      String s = word.substring(i, end);
      if (i > 0 && !continuingSubwordPrefix.isEmpty()) {
        s = continuingSubwordPrefix + s;
      }
      if (end == word.length() && !endOfWordSuffix.isEmpty()) {
        s = s + endOfWordSuffix;
      }
      i = end;
      Integer known = vocab.get(s);
      if (known != null) {
        if (pendingUnk >= 0) {
          symbols.add(pendingUnk);
          pendingUnk = -1;
        }
        symbols.add(known);
        continue;
      }
      if (byteFallback && addByteTokens(s, symbols)) {
        continue;
      }
      if (unkId >= 0) {
        if (pendingUnk >= 0 && !fuseUnk) {
          symbols.add(pendingUnk);
        }
        pendingUnk = unkId;
      }
    }
    if (pendingUnk >= 0) {
      symbols.add(pendingUnk);
    }
    return symbols;
  }

  /** Adds the {@code <0xAB>} tokens of every byte of {@code s}; false if one is missing. */
  private boolean addByteTokens(String s, Symbols symbols) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[bytes.length];
    for (int b = 0; b < bytes.length; b++) {
      Integer id = vocab.get(String.format("<0x%02X>", bytes[b] & 0xFF));
      if (id == null) {
        return false;
      }
      ids[b] = id;
    }
    for (int id : ids) {
      symbols.add(id);
    }
    return true;
  }

  private static final class Symbols {
    int[] ids;
    int count;

    Symbols(int capacity) {
      ids = new int[Math.max(1, capacity)];
    }

    void add(int id) {
      if (count == ids.length) {
        ids = Arrays.copyOf(ids, count * 2);
      }
      ids[count++] = id;
    }
  }

  /** A binary min-heap of candidate merges ordered by (rank, position). */
  private static final class MergeQueue {
    private long[] keys;
    private int[] mergedIds;
    private int size;

    MergeQueue(int capacity) {
      keys = new long[Math.max(4, capacity)];
      mergedIds = new int[keys.length];
    }

    boolean isEmpty() {
      return size == 0;
    }

    int topPosition() {
      return (int) keys[0];
    }

    int topMerged() {
      return mergedIds[0];
    }

    void push(int rank, int position, int merged) {
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        mergedIds = Arrays.copyOf(mergedIds, size * 2);
      }
      long key = ((long) rank << 32) | position;
      int i = size++;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (keys[parent] <= key) {
          break;
        }
        keys[i] = keys[parent];
        mergedIds[i] = mergedIds[parent];
        i = parent;
      }
      keys[i] = key;
      mergedIds[i] = merged;
    }

    void pop() {
      size--;
      long key = keys[size];
      int merged = mergedIds[size];
      int i = 0;
      while (true) {
        int child = 2 * i + 1;
        if (child >= size) {
          break;
        }
        if (child + 1 < size && keys[child + 1] < keys[child]) {
          child++;
        }
        if (keys[child] >= key) {
          break;
        }
        keys[i] = keys[child];
        mergedIds[i] = mergedIds[child];
        i = child;
      }
      keys[i] = key;
      mergedIds[i] = merged;
    }
  }
}
