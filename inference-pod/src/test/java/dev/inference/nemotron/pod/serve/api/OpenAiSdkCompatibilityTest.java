package dev.inference.nemotron.pod.serve.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.core.ObjectMappers;
import com.openai.models.ErrorObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.models.Model;
import com.openai.models.models.ModelListPageResponse;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK reads our JSON with its own mapper and model classes, and its {@code
 * validate()} (every required field present, every enum known) passes: stock clients accept what
 * the server writes.
 */
class OpenAiSdkCompatibilityTest {

  private static final JsonMapper SDK = ObjectMappers.jsonMapper();

  @Test
  void completionValidates() throws IOException {
    byte[] json =
        OpenAiResponses.completion(
            "cmpl-1",
            1_700_000_000L,
            "nemotron-8b",
            List.of(new Choice(0, "Hello", FinishReason.STOP)),
            new Usage(5, 7));

    Completion completion = SDK.readValue(json, Completion.class).validate();

    assertThat(completion.id()).isEqualTo("cmpl-1");
    assertThat(completion.model()).isEqualTo("nemotron-8b");
    assertThat(completion.choices().get(0).text()).isEqualTo("Hello");
    assertThat(completion.choices().get(0).finishReason())
        .isEqualTo(CompletionChoice.FinishReason.STOP);
    assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(12);
  }

  @Test
  void theLastCompletionChunkAndTheUsageChunkValidate() throws IOException {
    byte[] last = OpenAiResponses.completionChunk("cmpl-2", 2L, "m", 0, "!", FinishReason.LENGTH);
    byte[] usage =
        OpenAiResponses.usageChunk(ResponseKind.COMPLETION, "cmpl-2", 2L, "m", new Usage(1, 2));

    assertThat(SDK.readValue(last, Completion.class).validate().choices().get(0).finishReason())
        .isEqualTo(CompletionChoice.FinishReason.LENGTH);
    assertThat(
            SDK.readValue(usage, Completion.class).validate().usage().orElseThrow().totalTokens())
        .isEqualTo(3);
  }

  @Test
  void anIntermediateCompletionChunkReadsWithItsText() throws IOException {
    // OpenAI itself streams finish_reason null until the last chunk; the SDK's Completion model
    // calls the field required, so only reading (not validate()) applies to these chunks.
    byte[] chunk = OpenAiResponses.completionChunk("cmpl-3", 3L, "m", 0, "Hel", null);

    Completion completion = SDK.readValue(chunk, Completion.class);

    assertThat(completion.choices().get(0).text()).isEqualTo("Hel");
  }

  @Test
  void chatCompletionValidates() throws IOException {
    byte[] json =
        OpenAiResponses.chatCompletion(
            "chatcmpl-1",
            1L,
            "m",
            List.of(
                new Choice(0, "Hello", FinishReason.STOP),
                new Choice(1, "Hi", FinishReason.LENGTH)),
            new Usage(3, 4));

    ChatCompletion chat = SDK.readValue(json, ChatCompletion.class).validate();

    assertThat(chat.choices()).hasSize(2);
    assertThat(chat.choices().get(0).message().content()).contains("Hello");
    assertThat(chat.choices().get(1).finishReason())
        .isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
    assertThat(chat.usage().orElseThrow().promptTokens()).isEqualTo(3);
  }

  @Test
  void everyChatChunkValidates() throws IOException {
    byte[] first = OpenAiResponses.chatChunk("chatcmpl-2", 2L, "m", 0, "assistant", "", null);
    byte[] middle = OpenAiResponses.chatChunk("chatcmpl-2", 2L, "m", 0, null, "lo", null);
    byte[] last =
        OpenAiResponses.chatChunk("chatcmpl-2", 2L, "m", 0, null, null, FinishReason.STOP);
    byte[] usage =
        OpenAiResponses.usageChunk(ResponseKind.CHAT, "chatcmpl-2", 2L, "m", new Usage(1, 2));

    ChatCompletionChunk firstChunk = SDK.readValue(first, ChatCompletionChunk.class).validate();
    ChatCompletionChunk middleChunk = SDK.readValue(middle, ChatCompletionChunk.class).validate();
    ChatCompletionChunk lastChunk = SDK.readValue(last, ChatCompletionChunk.class).validate();
    ChatCompletionChunk usageChunk = SDK.readValue(usage, ChatCompletionChunk.class).validate();

    assertThat(firstChunk.choices().get(0).delta().role())
        .contains(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
    assertThat(middleChunk.choices().get(0).delta().content()).contains("lo");
    assertThat(middleChunk.choices().get(0).finishReason()).isEmpty();
    assertThat(lastChunk.choices().get(0).finishReason())
        .contains(ChatCompletionChunk.Choice.FinishReason.STOP);
    assertThat(usageChunk.choices()).isEmpty();
    assertThat(usageChunk.usage().orElseThrow().completionTokens()).isEqualTo(2);
  }

  @Test
  void modelsValidate() throws IOException {
    byte[] json =
        OpenAiResponses.models(List.of(new ModelCard("nemotron-8b", 1_700_000_000L, "nvidia")));

    ModelListPageResponse list = SDK.readValue(json, ModelListPageResponse.class).validate();
    Model model =
        SDK.readValue(OpenAiResponses.model(new ModelCard("x", 1L, "y")), Model.class).validate();

    assertThat(list.data().get(0).id()).isEqualTo("nemotron-8b");
    assertThat(list.data().get(0).ownedBy()).isEqualTo("nvidia");
    assertThat(model.id()).isEqualTo("x");
  }

  @Test
  void errorsValidate() throws IOException {
    byte[] json = ApiError.invalidRequest("max_tokens", "max_tokens must be >= 1, got 0").toJson();

    ErrorObject error =
        SDK.readValue(SDK.readTree(json).get("error").toString(), ErrorObject.class).validate();

    assertThat(error.message()).isEqualTo("max_tokens must be >= 1, got 0");
    assertThat(error.type()).isEqualTo("invalid_request_error");
    assertThat(error.param()).contains("max_tokens");
    assertThat(error.code()).isEmpty();
  }
}
