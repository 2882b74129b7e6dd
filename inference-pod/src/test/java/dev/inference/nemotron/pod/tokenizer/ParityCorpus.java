package dev.inference.nemotron.pod.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic corpus of strings that exercise every branch of a byte-level BPE pipeline: prose
 * with contractions in mixed case, code, numbers, whitespace runs (tabs, CR/LF, Unicode spaces,
 * trailing spaces), CJK, emoji with skin tones and ZWJ sequences, combining marks, right-to-left
 * and Indic scripts, special tokens inside text, and random code points.
 */
final class ParityCorpus {
  private static final String[] WORDS = {
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "lazy",
    "dog",
    "model",
    "diffusion",
    "token",
    "Nemotron",
    "inference",
    "kernel",
    "attention",
    "cache",
    "hello",
    "world",
    "It",
    "is",
    "a",
    "GPU",
    "HTTP",
    "JSON",
    "naïve",
    "café",
    "résumé",
    "Straße",
    "ŁÓDŹ",
    "İstanbul",
    "ſtrange"
  };
  private static final String[] CONTRACTIONS = {
    "don't",
    "I'LL",
    "it's",
    "WE'RE",
    "they'Ve",
    "'S",
    "'s",
    "'t",
    "'Re",
    "'ve",
    "'M",
    "'ll",
    "'D",
    "you'd",
    "O'Neil",
    "rock'n'roll",
    "'ſ",
    "can'T"
  };
  private static final String[] CODE = {
    "def foo(x):\n    return x**2  # square\n",
    "for (int i = 0; i < n; i++) {\n\tsum += a[i];\n}\n",
    "{\"ids\": [1, 2, 3], \"ok\": true}",
    "if (a && b || !c) { x->y = *p; } // done",
    "SELECT * FROM users WHERE id = 42;",
    "<div class=\"x\">a &amp; b</div>",
    "    indented\n        more\n\t\ttabs   \n",
    "x=1;y=2;z=x+y//3;print(f'{z:.2f}')",
    "path/to/file.java:123: error: ';' expected",
    "git commit -m \"fix: handle \\r\\n\"\r\n"
  };
  private static final String[] SCRIPTS = {
    "你好，世界。",
    "日本語のテキストです",
    "한국어 문장입니다",
    "مرحبا بالعالم",
    "שלום עולם",
    "नमस्ते दुनिया",
    "สวัสดีครับ",
    "Привет, мир!",
    "Γειά σου Κόσμε",
    "ሰላም ዓለም",
    "ᏣᎳᎩ",
    "e\u0301te\u0301",
    "a\u0308\u0304",
    "Z\u0351\u0344\u0358a\u0300\u0301l\u0322g\u0327o",
    "\u1100\u1161\u11A8",
    "ﬁﬂ ﬃ",
    "Ⅻ ⅷ ½ ¹²³",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "𐍈𐌰𐌹"
  };
  private static final String[] EMOJI = {
    "😀", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "❤️", "🧑🏿‍🚀", "🇫🇷🇯🇵", "🤖💬", "✨", "1️⃣", "🫠"
  };
  private static final String[] SPECIALS = {
    "<|im_start|>", "<|im_end|>", "<think>", "</think>", "<|endoftext|>", "<|endofprompt|>",
    "<|im_start", "im_end|>", "<|im_start|>user\n", "<tool_call>", "<|fim_prefix|>", "<s>",
    "</s>", "<mask>", "<unk>"
  };
  private static final String[] SPACES = {
    " ", " ", " ", "\t", "\n", "\r\n", "\r", "\u00A0", "\u3000", "\u2028", "\u0085", "\u000B",
    "\u000C", "\u2009", "\u200B", "\u180E", "\u202F"
  };

  private ParityCorpus() {}

  /** {@code count} strings from {@code seed}. */
  static List<String> generate(long seed, int count) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      StringBuilder s = new StringBuilder();
      int fragments = 1 + random.nextInt(i % 50 == 0 ? 60 : 6);
      for (int f = 0; f < fragments; f++) {
        appendFragment(random, s);
        if (random.nextInt(3) == 0) {
          s.append(pick(random, SPACES));
        } else if (random.nextBoolean()) {
          s.append(' ');
        }
      }
      out.add(s.toString());
    }
    return out;
  }

  private static void appendFragment(SplittableRandom random, StringBuilder s) {
    switch (random.nextInt(10)) {
      case 0, 1 -> {
        int n = 1 + random.nextInt(12);
        for (int w = 0; w < n; w++) {
          String word = pick(random, WORDS);
          s.append(random.nextInt(8) == 0 ? word.toUpperCase(java.util.Locale.ROOT) : word);
          s.append(random.nextInt(6) == 0 ? pick(random, CONTRACTIONS) : "");
          s.append(
              random.nextInt(7) == 0 ? pick(random, new String[] {",", ".", "!", "?", ";"}) : "");
          s.append(' ');
        }
      }
      case 2 -> s.append(pick(random, CODE));
      case 3 -> appendNumber(random, s);
      case 4 -> {
        int n = 1 + random.nextInt(10);
        for (int k = 0; k < n; k++) {
          s.append(pick(random, SPACES));
        }
      }
      case 5 -> s.append(pick(random, SCRIPTS));
      case 6 -> s.append(pick(random, EMOJI));
      case 7 -> s.append(pick(random, SPECIALS));
      case 8 -> appendRandomCodePoints(random, s);
      default -> s.append(pick(random, CONTRACTIONS)).append(pick(random, WORDS));
    }
  }

  private static void appendNumber(SplittableRandom random, StringBuilder s) {
    switch (random.nextInt(4)) {
      case 0 -> s.append(random.nextLong(0, 1_000_000_000_000L));
      case 1 -> s.append(random.nextDouble() * 1000);
      case 2 -> s.append(String.format("%,d", random.nextInt()));
      default -> s.append("2026-11-").append(10 + random.nextInt(20)).append("T12:34:56Z");
    }
  }

  private static void appendRandomCodePoints(SplittableRandom random, StringBuilder s) {
    int n = 1 + random.nextInt(8);
    for (int k = 0; k < n; k++) {
      int cp;
      do {
        cp =
            switch (random.nextInt(4)) {
              case 0 -> random.nextInt(0x20, 0x800);
              case 1 -> random.nextInt(0x800, 0x10000);
              case 2 -> random.nextInt(0x10000, 0x30000);
              default -> random.nextInt(0, 0x20);
            };
      } while (Character.getType(cp) == Character.SURROGATE);
      s.appendCodePoint(cp);
    }
  }

  private static String pick(SplittableRandom random, String[] options) {
    return options[random.nextInt(options.length)];
  }
}
