package dev.inference.nemotron.pod.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a streamed completion's events tell about timing: text chunks, usage, errors, [DONE]. */
class LoadCompletionStreamTest {

  private static String text(String piece) {
    return "{\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":\""
        + piece
        + "\",\"logprobs\":null,\"finish_reason\":null}]}";
  }

  private static String usage(int completionTokens) {
    return "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":"
        + completionTokens
        + ",\"total_tokens\":"
        + (3 + completionTokens)
        + "}}";
  }

  @Test
  void timesTextChunksAndSpreadsTheirSpanOverTheUsageTokens() {
    CompletionStream s = new CompletionStream();
    s.accept(text("Hel"), 1_000);
    s.accept(text("lo"), 3_000);
    s.accept(text(""), 3_500); // the finish chunk: no text
    s.accept(text(" you"), 9_000);
    s.accept(usage(7), 9_100);
    s.accept("[DONE]", 9_200);

    assertThat(s.firstContentNanos()).isEqualTo(1_000);
    assertThat(s.contentChunks()).isEqualTo(3);
    assertThat(s.completionTokens()).isEqualTo(7);
    assertThat(s.interTokenNanos()).isEqualTo((9_000 - 1_000) / 6.0);
    assertThat(s.done()).isTrue();
    assertThat(s.doneNanos()).isEqualTo(9_200);
    assertThat(s.error()).isNull();
  }

  @Test
  void aChatRoleChunkIsNotTheFirstToken() {
    CompletionStream s = new CompletionStream();
    s.accept("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}", 10);
    s.accept(
        "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}", 15);
    s.accept("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}", 20);
    s.accept("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"}}]}", 50);
    s.accept("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}", 60);
    s.accept(usage(4), 61);
    s.accept("[DONE]", 62);

    assertThat(s.firstContentNanos()).isEqualTo(20);
    assertThat(s.contentChunks()).isEqualTo(2);
    assertThat(s.interTokenNanos()).isEqualTo(30 / 3.0);
  }

  @Test
  void oneTextChunkLeavesTheInterTokenLatencyUnmeasured() {
    CompletionStream s = new CompletionStream();
    s.accept(text("a whole diffusion block"), 100);
    s.accept(usage(8), 110);
    s.accept("[DONE]", 120);

    assertThat(s.interTokenNanos()).isNaN();
    assertThat(s.firstContentNanos()).isEqualTo(100);
  }

  @Test
  void anErrorEventIsTheStreamsFailureAndNothingAfterItCounts() {
    CompletionStream s = new CompletionStream();
    s.accept(text("a"), 1);
    s.accept(
        "{\"error\":{\"message\":\"request timed out\",\"type\":\"invalid_request_error\"}}", 2);
    s.accept(text("b"), 3);
    s.accept("[DONE]", 4);

    assertThat(s.error()).isEqualTo("error event in the stream: request timed out");
    assertThat(s.contentChunks()).isEqualTo(1);
  }

  @Test
  void dataThatIsNotJsonIsAFailureNamingIt() {
    CompletionStream s = new CompletionStream();
    s.accept("<html>gateway timeout</html>", 1);

    assertThat(s.error()).contains("not JSON").contains("gateway timeout");
  }

  @Test
  void withoutUsageOrDoneTheirFiguresAreAbsent() {
    CompletionStream s = new CompletionStream();
    s.accept(text("a"), 1);

    assertThat(s.completionTokens()).isEqualTo(-1);
    assertThat(s.done()).isFalse();
    assertThat(s.interTokenNanos()).isNaN();
  }
}
