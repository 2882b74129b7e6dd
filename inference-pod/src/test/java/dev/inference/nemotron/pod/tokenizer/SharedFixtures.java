package dev.inference.nemotron.pod.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The shared fixtures folder; a missing folder fails the test instead of skipping it. */
final class SharedFixtures {
  private static final Map<String, Tokenizer> LOADED = new ConcurrentHashMap<>();

  private SharedFixtures() {}

  /** The fixture tokenizer, loaded once per test JVM (the files are 10 MB each). */
  static Tokenizer loaded(String name) {
    return LOADED.computeIfAbsent(
        name,
        n -> {
          try {
            return Tokenizer.load(tokenizer(n));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** The directory of one fixture tokenizer ({@code qwen3}, {@code gpt4o}). */
  static Path tokenizer(String name) {
    String shared = System.getProperty("ndd.shared.dir");
    if (shared == null || shared.isBlank()) {
      throw new IllegalStateException(
          "system property ndd.shared.dir is not set: run through Maven (Surefire sets it to"
              + " <project root>/../shared) or pass -Dndd.shared.dir=/path/to/shared");
    }
    Path dir = Path.of(shared, "fixtures", "tokenizers", name);
    if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
      throw new IllegalStateException(
          "tokenizer fixture missing: "
              + dir.resolve("tokenizer.json")
              + " (ndd.shared.dir="
              + shared
              + "); the shared fixtures folder must be checked out next to the project");
    }
    return dir;
  }
}
