package dev.inference.nemotron.pod.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamingDecoderTest {

  @Test
  void streamedChunksConcatenateToTheFullDecodeAndNeverSplitACharacter() {
    Tokenizer tokenizer = SharedFixtures.loaded("qwen3");
    int held = 0;
    for (String text : ParityCorpus.generate(7, 1500)) {
      int[] ids = tokenizer.encode(text);
      for (boolean skip : new boolean[] {false, true}) {
        StreamingDecoder stream = tokenizer.streamingDecoder(skip);
        StringBuilder joined = new StringBuilder();
        for (int id : ids) {
          String chunk = stream.push(id);
          assertThat(chunk).doesNotContain("\uFFFD");
          if (!chunk.isEmpty()) {
            assertThat(Character.isHighSurrogate(chunk.charAt(chunk.length() - 1))).isFalse();
          } else if (tokenizer.bytesOf(id, skip).length > 0) {
            held++;
          }
          joined.append(chunk);
        }
        joined.append(stream.finish());
        assertThat(joined.toString()).isEqualTo(tokenizer.decode(ids, skip));
      }
    }
    assertThat(held).as("tokens whose bytes ended mid-character").isPositive();
  }

  @Test
  void emojiSpreadOverByteTokensAppearsOnlyWhenComplete() {
    Tokenizer tokenizer = SharedFixtures.loaded("qwen3");
    String family = "👨‍👩‍👧‍👦";
    int[] ids = tokenizer.encode("a" + family);
    assertThat(ids.length).as("the ZWJ sequence spans several tokens").isGreaterThan(2);
    StreamingDecoder stream = tokenizer.streamingDecoder();
    List<String> chunks = new ArrayList<>();
    for (int id : ids) {
      chunks.add(stream.push(id));
    }
    assertThat(chunks.getFirst()).isEqualTo("a");
    assertThat(String.join("", chunks)).isEqualTo("a" + family);
    assertThat(chunks).contains("");
    assertThat(stream.finish()).isEmpty();
  }

  @Test
  void truncatedCharacterAtTheEndIsFlushedAsReplacementLikeDecode() {
    Tokenizer tokenizer = SharedFixtures.loaded("qwen3");
    int[] euro = tokenizer.encode("€");
    // "€" is E2 82 AC: its first byte-level token alone is an incomplete sequence.
    int[] firstByte = {tokenizer.tokenId(String.valueOf(ByteLevel.charOf(0xE2))).orElseThrow()};
    StreamingDecoder stream = tokenizer.streamingDecoder();
    assertThat(stream.push(firstByte[0])).isEmpty();
    assertThat(stream.finish()).isEqualTo("\uFFFD").isEqualTo(tokenizer.decode(firstByte));
    assertThat(tokenizer.decode(euro)).isEqualTo("€");
  }

  @Test
  void specialTokensStreamAsTextUnlessSkipped() {
    Tokenizer tokenizer = SharedFixtures.loaded("qwen3");
    int imEnd = tokenizer.tokenId("<|im_end|>").orElseThrow();
    assertThat(tokenizer.streamingDecoder().push(imEnd)).isEqualTo("<|im_end|>");
    assertThat(tokenizer.streamingDecoder(true).push(imEnd)).isEmpty();
  }
}
