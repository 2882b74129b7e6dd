package dev.inference.nemotron.pod.tokenizer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The added tokens of a tokenizer and how they cut text, as Hugging Face's {@code AddedVocabulary}:
 * the leftmost, then longest, match wins; {@code single_word}, {@code lstrip} and {@code rstrip}
 * adjust or veto a match. Tokens with {@code normalized=false} are matched in the raw text, the
 * others in the normalized text.
 */
final class AddedVocabulary {

  /** A stretch of text, or an added token when {@code id >= 0}. */
  record Piece(String text, int id) {
    boolean isToken() {
      return id >= 0;
    }
  }

  // Rust's regex crate, whose \w and \s these mirror, is Unicode-aware like this flag.
  private static final Pattern WORD_CHAR = Pattern.compile("\\w", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern SPACE_CHAR = Pattern.compile("\\s", Pattern.UNICODE_CHARACTER_CLASS);

  private final Map<Integer, AddedToken> byId = new HashMap<>();
  private final Map<String, AddedToken> byContent = new HashMap<>();
  private final Trie rawTrie = new Trie();
  private final Trie normalizedTrie = new Trie();

  AddedVocabulary(Collection<AddedToken> tokens, TextNormalizer normalizer) {
    for (AddedToken t : tokens) {
      byId.put(t.id(), t);
      byContent.put(t.content(), t);
    }
    for (AddedToken t : byId.values()) {
      if (t.normalized()) {
        normalizedTrie.add(normalizer.normalize(t.content()), t);
      } else {
        rawTrie.add(t.content(), t);
      }
    }
  }

  AddedToken byId(int id) {
    return byId.get(id);
  }

  AddedToken byContent(String content) {
    return byContent.get(content);
  }

  Collection<AddedToken> all() {
    return byId.values();
  }

  /** Whether {@code content} is the text of a special token. */
  boolean isSpecial(String content) {
    AddedToken t = byContent.get(content);
    return t != null && t.special();
  }

  /** Cuts {@code text} at the raw-text tokens. */
  void splitRaw(String text, List<Piece> out) {
    split(text, rawTrie, out);
  }

  /** Cuts already-normalized {@code text} at the normalized tokens. */
  void splitNormalized(String text, List<Piece> out) {
    split(text, normalizedTrie, out);
  }

  private void split(String text, Trie trie, List<Piece> out) {
    if (trie.isEmpty()) {
      out.add(new Piece(text, -1));
      return;
    }
    int textStart = 0;
    int i = 0;
    while (i < text.length()) {
      long match = trie.longestAt(text, i);
      if (match < 0) {
        i++;
        continue;
      }
      AddedToken token = trie.tokens.get((int) (match >>> 32));
      int start = i;
      int stop = (int) match;
      i = stop;
      if (token.singleWord() && !(isBoundary(text, start, -1) && isBoundary(text, stop, +1))) {
        continue;
      }
      if (token.lstrip()) {
        int s = start;
        while (s > 0 && isSpace(text.codePointBefore(s))) {
          s -= Character.charCount(text.codePointBefore(s));
        }
        start = Math.max(s, textStart);
      }
      if (token.rstrip()) {
        while (stop < text.length() && isSpace(text.codePointAt(stop))) {
          stop += Character.charCount(text.codePointAt(stop));
        }
      }
      if (textStart < start) {
        out.add(new Piece(text.substring(textStart, start), -1));
      }
      out.add(new Piece(text.substring(start, stop), token.id()));
      // Like Hugging Face's Aho-Corasick scan, the search resumes after the match itself, not
      // after the whitespace rstrip swallowed.
      textStart = stop;
    }
    if (textStart < text.length()) {
      out.add(new Piece(text.substring(textStart), -1));
    }
  }

  /** No word character touches {@code at} from the given side. */
  private static boolean isBoundary(String text, int at, int side) {
    if (side < 0) {
      return at == 0 || !WORD_CHAR.matcher(Character.toString(text.codePointBefore(at))).matches();
    }
    return at == text.length()
        || !WORD_CHAR.matcher(Character.toString(text.codePointAt(at))).matches();
  }

  private static boolean isSpace(int codePoint) {
    return SPACE_CHAR.matcher(Character.toString(codePoint)).matches();
  }

  /** A character trie over token texts, answering leftmost-longest queries. */
  private static final class Trie {
    private final Node root = new Node();
    private final List<AddedToken> tokens = new ArrayList<>();

    void add(String content, AddedToken token) {
      Node node = root;
      for (int i = 0; i < content.length(); i++) {
        node = node.children.computeIfAbsent(content.charAt(i), c -> new Node());
      }
      if (node.token < 0) {
        node.token = tokens.size();
        tokens.add(token);
      }
    }

    boolean isEmpty() {
      return tokens.isEmpty();
    }

    /** (token index << 32 | end) of the longest token starting at {@code from}, or -1. */
    long longestAt(String text, int from) {
      Node node = root;
      long best = -1;
      for (int i = from; i < text.length(); i++) {
        node = node.children.get(text.charAt(i));
        if (node == null) {
          break;
        }
        if (node.token >= 0) {
          best = ((long) node.token << 32) | (i + 1);
        }
      }
      return best;
    }
  }

  private static final class Node {
    final Map<Character, Node> children = new HashMap<>(4);
    int token = -1;
  }
}
