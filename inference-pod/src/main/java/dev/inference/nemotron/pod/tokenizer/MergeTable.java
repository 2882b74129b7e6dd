package dev.inference.nemotron.pod.tokenizer;

import java.util.Arrays;

/**
 * BPE merges as an open-addressing hash map from a pair of token ids to (rank, merged id), without
 * boxing: the merge loop looks up a pair for every adjacent symbol.
 */
final class MergeTable {
  private static final long EMPTY = -1L;

  private final long[] keys;
  private final long[] values;
  private final int mask;
  private int size;

  MergeTable(int expected) {
    int capacity = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
    keys = new long[capacity];
    values = new long[capacity];
    Arrays.fill(keys, EMPTY);
    mask = capacity - 1;
  }

  /** Records merge {@code left + right -> merged} at {@code rank}; a later duplicate wins. */
  void put(int left, int right, int rank, int merged) {
    long key = key(left, right);
    int slot = slot(key);
    while (keys[slot] != EMPTY && keys[slot] != key) {
      slot = (slot + 1) & mask;
    }
    if (keys[slot] == EMPTY) {
      size++;
      if (size * 4L > keys.length * 3L) {
        throw new IllegalStateException("merge table over capacity");
      }
    }
    keys[slot] = key;
    values[slot] = ((long) rank << 32) | (merged & 0xFFFFFFFFL);
  }

  /** (rank << 32 | merged id) of the merge of this pair, or -1 when the pair does not merge. */
  long find(int left, int right) {
    long key = key(left, right);
    int slot = slot(key);
    while (true) {
      long k = keys[slot];
      if (k == key) {
        return values[slot];
      }
      if (k == EMPTY) {
        return -1;
      }
      slot = (slot + 1) & mask;
    }
  }

  int size() {
    return size;
  }

  private static long key(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 32) & mask;
  }
}
