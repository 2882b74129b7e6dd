package dev.inference.nemotron.pod.serve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The response bodies parsed back: fields, values and OpenAI's field order. */
class OpenAiResponsesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void completionHasOpenAisShape() throws IOException {
    JsonNode root =
        parse(
            OpenAiResponses.completion(
                "cmpl-1",
                1_700_000_000L,
                "nemotron-8b",
                List.of(
                    new Choice(0, "Hello", FinishReason.STOP),
                    new Choice(1, "Hi there", FinishReason.LENGTH)),
                new Usage(5, 7)));

    assertThat(fields(root))
        .containsExactly("id", "object", "created", "model", "choices", "usage");
    assertThat(root.get("id").asText()).isEqualTo("cmpl-1");
    assertThat(root.get("object").asText()).isEqualTo("text_completion");
    assertThat(root.get("created").asLong()).isEqualTo(1_700_000_000L);
    assertThat(root.get("model").asText()).isEqualTo("nemotron-8b");
    JsonNode choice = root.get("choices").get(1);
    assertThat(fields(choice)).containsExactly("index", "text", "logprobs", "finish_reason");
    assertThat(choice.get("index").asInt()).isEqualTo(1);
    assertThat(choice.get("text").asText()).isEqualTo("Hi there");
    assertThat(choice.get("logprobs").isNull()).isTrue();
    assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
    assertThat(root.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
    assertUsage(root.get("usage"), 5, 7);
  }

  @Test
  void chatCompletionHasOpenAisShape() throws IOException {
    JsonNode root =
        parse(
            OpenAiResponses.chatCompletion(
                "chatcmpl-1",
                1L,
                "m",
                List.of(new Choice(0, "Hello \"you\"\n", FinishReason.STOP)),
                new Usage(3, 4)));

    assertThat(fields(root))
        .containsExactly("id", "object", "created", "model", "choices", "usage");
    assertThat(root.get("object").asText()).isEqualTo("chat.completion");
    JsonNode choice = root.get("choices").get(0);
    assertThat(fields(choice)).containsExactly("index", "message", "logprobs", "finish_reason");
    assertThat(fields(choice.get("message"))).containsExactly("role", "content", "refusal");
    assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
    assertThat(choice.get("message").get("content").asText()).isEqualTo("Hello \"you\"\n");
    assertThat(choice.get("message").get("refusal").isNull()).isTrue();
    assertUsage(root.get("usage"), 3, 4);
  }

  @Test
  void completionChunksCarryTextAndFinallyAReason() throws IOException {
    JsonNode first = parse(OpenAiResponses.completionChunk("cmpl-2", 2L, "m", 3, "Hel", null));
    JsonNode last =
        parse(OpenAiResponses.completionChunk("cmpl-2", 2L, "m", 3, "", FinishReason.LENGTH));

    assertThat(fields(first)).containsExactly("id", "object", "created", "model", "choices");
    assertThat(first.get("object").asText()).isEqualTo("text_completion");
    JsonNode choice = first.get("choices").get(0);
    assertThat(fields(choice)).containsExactly("index", "text", "logprobs", "finish_reason");
    assertThat(choice.get("index").asInt()).isEqualTo(3);
    assertThat(choice.get("text").asText()).isEqualTo("Hel");
    assertThat(choice.get("finish_reason").isNull()).isTrue();
    assertThat(last.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
  }

  @Test
  void chatChunksCarryTheRoleFirstThenContentThenTheReason() throws IOException {
    JsonNode first =
        parse(OpenAiResponses.chatChunk("chatcmpl-3", 3L, "m", 0, "assistant", "", null));
    JsonNode middle = parse(OpenAiResponses.chatChunk("chatcmpl-3", 3L, "m", 0, null, "lo", null));
    JsonNode last =
        parse(OpenAiResponses.chatChunk("chatcmpl-3", 3L, "m", 0, null, null, FinishReason.STOP));

    assertThat(fields(first)).containsExactly("id", "object", "created", "model", "choices");
    assertThat(first.get("object").asText()).isEqualTo("chat.completion.chunk");
    JsonNode choice = first.get("choices").get(0);
    assertThat(fields(choice)).containsExactly("index", "delta", "logprobs", "finish_reason");
    assertThat(fields(choice.get("delta"))).containsExactly("role", "content");
    assertThat(choice.get("delta").get("role").asText()).isEqualTo("assistant");
    assertThat(fields(middle.get("choices").get(0).get("delta"))).containsExactly("content");
    assertThat(middle.get("choices").get(0).get("delta").get("content").asText()).isEqualTo("lo");
    assertThat(last.get("choices").get(0).get("delta").isEmpty()).isTrue();
    assertThat(last.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void theUsageChunkHasNoChoices() throws IOException {
    JsonNode chat =
        parse(
            OpenAiResponses.usageChunk(ResponseKind.CHAT, "chatcmpl-4", 4L, "m", new Usage(1, 2)));
    JsonNode completion =
        parse(
            OpenAiResponses.usageChunk(
                ResponseKind.COMPLETION, "cmpl-4", 4L, "m", new Usage(10, 20)));

    assertThat(fields(chat))
        .containsExactly("id", "object", "created", "model", "choices", "usage");
    assertThat(chat.get("object").asText()).isEqualTo("chat.completion.chunk");
    assertThat(chat.get("choices").isArray()).isTrue();
    assertThat(chat.get("choices").isEmpty()).isTrue();
    assertUsage(chat.get("usage"), 1, 2);
    assertThat(completion.get("object").asText()).isEqualTo("text_completion");
    assertUsage(completion.get("usage"), 10, 20);
  }

  @Test
  void modelsListsEachModel() throws IOException {
    JsonNode root =
        parse(
            OpenAiResponses.models(
                List.of(
                    new ModelCard("nemotron-8b", 1_700_000_000L, "nvidia"),
                    new ModelCard("other", 5L, "me"))));

    assertThat(fields(root)).containsExactly("object", "data");
    assertThat(root.get("object").asText()).isEqualTo("list");
    JsonNode model = root.get("data").get(0);
    assertThat(fields(model)).containsExactly("id", "object", "created", "owned_by");
    assertThat(model.get("id").asText()).isEqualTo("nemotron-8b");
    assertThat(model.get("object").asText()).isEqualTo("model");
    assertThat(model.get("created").asLong()).isEqualTo(1_700_000_000L);
    assertThat(model.get("owned_by").asText()).isEqualTo("nvidia");
    assertThat(root.get("data")).hasSize(2);
    assertThat(parse(OpenAiResponses.model(new ModelCard("x", 1L, "y"))).get("id").asText())
        .isEqualTo("x");
  }

  @Test
  void idsHaveOpenAisPrefixesAndAreUnique() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      ids.add(ResponseKind.CHAT.newId());
    }

    assertThat(ids).hasSize(1000).allMatch(id -> id.matches("chatcmpl-[0-9a-f]{24}"));
    assertThat(ResponseKind.COMPLETION.newId()).matches("cmpl-[0-9a-f]{24}");
  }

  @Test
  void sseFramesOneJsonPerEventAndEndsWithDone() {
    byte[] chunk = OpenAiResponses.completionChunk("cmpl-5", 5L, "m", 0, "a\nb", null);

    String event = new String(Sse.event(chunk), StandardCharsets.UTF_8);

    assertThat(event).startsWith("data: {\"id\":\"cmpl-5\"").endsWith("}\n\n");
    assertThat(event.chars().filter(c -> c == '\n').count()).isEqualTo(2);
    assertThat(Sse.DONE).isEqualTo("data: [DONE]\n\n");
    assertThat(Sse.KEEP_ALIVE).startsWith(":").endsWith("\n\n");
    assertThatThrownBy(() -> Sse.event("{\n}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void usageAddsUp() {
    assertThat(new Usage(3, 4).totalTokens()).isEqualTo(7);
    assertThat(new Usage(3, 4).plus(new Usage(1, 2))).isEqualTo(new Usage(4, 6));
    assertThatThrownBy(() -> new Usage(-1, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertUsage(JsonNode usage, int prompt, int completion) {
    assertThat(fields(usage)).containsExactly("prompt_tokens", "completion_tokens", "total_tokens");
    assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(prompt);
    assertThat(usage.get("completion_tokens").asInt()).isEqualTo(completion);
    assertThat(usage.get("total_tokens").asInt()).isEqualTo(prompt + completion);
  }

  private static JsonNode parse(byte[] json) throws IOException {
    return JSON.readTree(json);
  }

  private static List<String> fields(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
