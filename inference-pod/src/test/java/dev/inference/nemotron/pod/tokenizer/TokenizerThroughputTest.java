package dev.inference.nemotron.pod.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Encode throughput on a large varied text (printed, not asserted: timings depend on the machine)
 * and the thread-safety of the shared word cache (asserted).
 */
class TokenizerThroughputTest {

  @Test
  void concurrentEncodersGetTheSameIdsAsOneAndThroughputIsReported() throws Exception {
    Tokenizer tokenizer = Tokenizer.load(SharedFixtures.tokenizer("qwen3"));
    List<String> texts = ParityCorpus.generate(99, 20_000);
    long chars = texts.stream().mapToLong(String::length).sum();

    long start = System.nanoTime();
    int[][] single = new int[texts.size()][];
    long tokens = 0;
    for (int i = 0; i < texts.size(); i++) {
      single[i] = tokenizer.encode(texts.get(i));
      tokens += single[i].length;
    }
    double coldSeconds = (System.nanoTime() - start) / 1e9;

    double warmSeconds = Double.MAX_VALUE;
    for (int pass = 0; pass < 3; pass++) {
      long t0 = System.nanoTime();
      for (String text : texts) {
        tokenizer.encode(text);
      }
      warmSeconds = Math.min(warmSeconds, (System.nanoTime() - t0) / 1e9);
    }

    int threads = 4;
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      Tokenizer fresh = Tokenizer.load(SharedFixtures.tokenizer("qwen3"));
      List<Future<Integer>> results =
          java.util.stream.IntStream.range(0, threads)
              .mapToObj(
                  t ->
                      pool.submit(
                          () -> {
                            int differing = 0;
                            for (int i = t; i < texts.size(); i += threads) {
                              if (!java.util.Arrays.equals(fresh.encode(texts.get(i)), single[i])) {
                                differing++;
                              }
                            }
                            return differing;
                          }))
              .toList();
      for (Future<Integer> r : results) {
        assertThat(r.get()).as("strings encoded differently under concurrency").isZero();
      }
    }
    double referenceSeconds = Double.MAX_VALUE;
    try (HuggingFaceOracle oracle = new HuggingFaceOracle(SharedFixtures.tokenizer("qwen3"))) {
      for (int pass = 0; pass < 2; pass++) {
        long t0 = System.nanoTime();
        for (String text : texts) {
          oracle.encode(text);
        }
        referenceSeconds = Math.min(referenceSeconds, (System.nanoTime() - t0) / 1e9);
      }
    }
    System.out.printf(
        "tokenizer throughput qwen3: %d strings, %.1f MB, %d tokens; cold cache %.0f tokens/s,"
            + " warm cache %.0f tokens/s (%.1f MB/s); Hugging Face through DJL/JNI, same"
            + " strings: %.0f tokens/s%n",
        texts.size(),
        chars / 1e6,
        tokens,
        tokens / coldSeconds,
        tokens / warmSeconds,
        chars / 1e6 / warmSeconds,
        tokens / referenceSeconds);
    assertThat(tokens).isGreaterThan(chars / 10);
  }
}
