package dev.inference.nemotron.pod.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatTemplateTest {
  private static final List<ChatMessage> CONVERSATION =
      List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "What is 2+2?"));

  @Test
  void rendersChatMlWithAnOpenThinkBlockWhenThinking() {
    String prompt = SharedFixtures.loaded("qwen3").chatTemplate().render(CONVERSATION, true);
    assertThat(prompt)
        .isEqualTo(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
                + "<|im_start|>assistant\n<think>\n");
  }

  @Test
  void rendersAnEmptyThinkBlockWhenNotThinking() {
    String prompt = SharedFixtures.loaded("qwen3").chatTemplate().render(CONVERSATION, false);
    assertThat(prompt).endsWith("<|im_start|>assistant\n<think></think>");
  }

  @Test
  void markersEncodeToTheirSingleTokenIdsAndNoBosIsAdded(@TempDir Path dir) throws Exception {
    TinyTokenizerFiles.write(dir, 512);
    Tokenizer tokenizer = Tokenizer.load(dir);
    int[] ids =
        tokenizer.encode(
            tokenizer.chatTemplate().render(List.of(new ChatMessage("user", "hi")), false));
    int imStart = tokenizer.tokenId("<|im_start|>").orElseThrow();
    int imEnd = tokenizer.tokenId("<|im_end|>").orElseThrow();
    int think = tokenizer.tokenId("<think>").orElseThrow();
    int endThink = tokenizer.tokenId("</think>").orElseThrow();
    assertThat(ids[0]).isEqualTo(imStart);
    assertThat(ids).contains(imEnd).endsWith(think, endThink).doesNotContain(1);
  }

  @Test
  void tokenizerWithoutChatMlTokensIsRejectedNamingThem() {
    assertThatThrownBy(() -> SharedFixtures.loaded("gpt4o").chatTemplate())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("<|im_start|>, <|im_end|>, <think>, </think>")
        .hasMessageContaining("gpt4o");
  }
}
