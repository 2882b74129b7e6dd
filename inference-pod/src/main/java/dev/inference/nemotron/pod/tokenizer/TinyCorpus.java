package dev.inference.nemotron.pod.tokenizer;

/** The English and code text {@link TinyTokenizerFiles} learns its merges from. */
final class TinyCorpus {
  private TinyCorpus() {}

  static final String TEXT =
      """
      The quick brown fox jumps over the lazy dog. A diffusion language model writes a whole
      block of tokens at once: it starts from masked positions and fills in the ones it is most
      sure about, step by step, until the block is complete. Then it moves on to the next block.
      Each step runs the same network over the block, with the cache holding the keys and values
      of everything written before. When the model is confident, it can accept many tokens in one
      step; when it is not, it accepts only one, and that is exactly autoregressive decoding.

      Once upon a time there was a little town by the sea. The people of the town were fishermen
      and bakers, teachers and carpenters. Every morning the bakers opened their shops and the
      smell of fresh bread filled the streets. The children walked to school, the fishermen
      pulled their boats into the water, and the teachers wrote the day's lessons on the board.
      "Good morning!" said the teacher. "Today we will learn about numbers, letters and words."
      The children answered: "Good morning, teacher!" and they opened their books to page one.

      In the evening the town was quiet. The lights came on one by one in the windows, and the
      families sat down for dinner. They talked about the weather, about the boats and the fish,
      about the new road that was being built to the next town. It's a good road, they said; it
      will bring people and trade, and maybe a doctor who can stay all year. We'll see, said the
      old man at the end of the table, we'll see. He had seen many roads and many promises.

      Questions and answers. What is a token? A token is a piece of text: a word, part of a word,
      a space, a number or a symbol. Why do models use tokens? Because a fixed vocabulary of
      pieces can write any text, and the model only has to choose among those pieces. How many
      tokens are in a sentence? Usually a bit more than the number of words. Is that all? No: a
      tokenizer must also handle numbers like 3.14159, 2026 and 1,000,000, dates like 2026-11-23,
      e-mail addresses like user@example.com, and URLs like https://example.com/docs/index.html.

      def fibonacci(n):
          \"\"\"Return the n-th Fibonacci number.\"\"\"
          a, b = 0, 1
          for _ in range(n):
              a, b = b, a + b
          return a

      def main():
          numbers = [fibonacci(i) for i in range(10)]
          print("numbers:", numbers)
          total = sum(numbers)
          if total > 100:
              print(f"total {total} is large")
          else:
              print(f"total {total} is small")

      if __name__ == "__main__":
          main()

      public final class Counter {
          private final Map<String, Integer> counts = new HashMap<>();

          /** Adds one to the count of the given word. */
          public void add(String word) {
              counts.merge(word, 1, Integer::sum);
          }

          public int count(String word) {
              return counts.getOrDefault(word, 0);
          }

          @Override
          public String toString() {
              return "Counter" + counts;
          }
      }

      for (int i = 0; i < n; i++) {
          sum += values[i] * weights[i];
      }
      return sum / n;

      const express = require("express");
      const app = express();
      app.get("/health", (req, res) => {
        res.json({ status: "ok", time: new Date().toISOString() });
      });
      app.listen(8080, () => console.log("listening on port 8080"));

      SELECT name, count(*) AS total FROM orders WHERE status = 'done' GROUP BY name;

      {"model": "tiny", "layers": 2, "hidden_size": 64, "vocab_size": 512, "tokens": [1, 2, 3]}

      The system is simple. The user asks a question, the assistant thinks about it, and then
      the assistant answers. The assistant should be helpful, honest and clear. If the question
      is about code, the assistant writes code; if it is about a story, the assistant tells a
      story. Let's think step by step: first read the question, then plan the answer, then write
      it down, then check it. That is how good answers are written, and how good code is written.
      """;
}
