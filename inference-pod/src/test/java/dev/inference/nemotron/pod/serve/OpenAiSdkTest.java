package dev.inference.nemotron.pod.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI Java SDK, unmodified, against {@code ndd serve}: every response it receives
 * passes its own validation ({@code validate()} checks every required field and type).
 */
class OpenAiSdkTest {
  @TempDir static Path root;
  private static ServerFixture fixture;
  private static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    fixture = ServerFixture.open(root);
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl("http://127.0.0.1:" + fixture.port + "/v1")
            .apiKey("not-needed-on-an-open-server")
            .maxRetries(0)
            .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    fixture.close();
  }

  @Test
  void listsModels() {
    List<Model> models = client.models().list().data();
    assertThat(models).extracting(Model::id).containsExactly(ServerFixture.MODEL);
  }

  @Test
  void completes() {
    Completion c =
        client
            .completions()
            .create(
                CompletionCreateParams.builder()
                    .model(ServerFixture.MODEL)
                    .prompt("Once upon a time")
                    .maxTokens(8L)
                    .temperature(0.0)
                    .build())
            .validate();
    assertThat(c.choices()).hasSize(1);
    assertThat(c.usage()).isPresent();
    assertThat(c.usage().get().completionTokens()).isBetween(1L, 8L);
  }

  @Test
  void chats() {
    ChatCompletion chat =
        client
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model(ServerFixture.MODEL)
                    .addSystemMessage("You are terse.")
                    .addUserMessage("Say hi")
                    .maxCompletionTokens(8L)
                    .temperature(0.0)
                    .build())
            .validate();
    assertThat(chat.choices()).hasSize(1);
    assertThat(chat.choices().get(0).message().content()).isPresent();
    assertThat(chat.usage().get().promptTokens()).isPositive();
  }

  @Test
  void streamsAChat() {
    StringBuilder text = new StringBuilder();
    int chunks = 0;
    try (StreamResponse<ChatCompletionChunk> stream =
        client
            .chat()
            .completions()
            .createStreaming(
                ChatCompletionCreateParams.builder()
                    .model(ServerFixture.MODEL)
                    .addUserMessage("Stream something")
                    .maxCompletionTokens(10L)
                    .temperature(0.0)
                    .build())) {
      for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
        chunk.validate();
        chunks++;
        chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
      }
    }
    assertThat(chunks).isPositive();
    ChatCompletion plain =
        client
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model(ServerFixture.MODEL)
                    .addUserMessage("Stream something")
                    .maxCompletionTokens(10L)
                    .temperature(0.0)
                    .build());
    assertThat(text.toString()).isEqualTo(plain.choices().get(0).message().content().orElse(""));
  }
}
