package dev.inference.nemotron.pod.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inference.nemotron.pod.tokenizer.ChatTemplate.RenderOptions;
import dev.inference.nemotron.pod.tokenizer.jinja.Goldens;
import dev.inference.nemotron.pod.tokenizer.jinja.RaisedByTemplateException;
import dev.inference.nemotron.pod.tokenizer.jinja.TemplateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ChatTemplateTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<ChatMessage> CONVERSATION =
      List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "What is 2+2?"));

  /** A tiny tokenizer (ChatML tokens, no chat_template) whose config {@code edit} may change. */
  private static Tokenizer tiny(Path dir, Consumer<ObjectNode> edit) throws Exception {
    TinyTokenizerFiles.write(dir, 512);
    Path configFile = dir.resolve("tokenizer_config.json");
    ObjectNode config = (ObjectNode) JSON.readTree(configFile.toFile());
    edit.accept(config);
    JSON.writeValue(configFile.toFile(), config);
    return Tokenizer.load(dir);
  }

  @Test
  void withoutACheckpointTemplateRendersChatMlWithAnOpenThinkBlockWhenThinking(@TempDir Path dir)
      throws Exception {
    ChatTemplate chat = tiny(dir, c -> {}).chatTemplate();
    assertThat(chat.isCheckpointTemplate()).isFalse();
    assertThat(chat.render(CONVERSATION, true))
        .isEqualTo(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
                + "<|im_start|>assistant\n<think>\n");
  }

  @Test
  void withoutACheckpointTemplateRendersAnEmptyThinkBlockWhenNotThinking(@TempDir Path dir)
      throws Exception {
    String prompt = tiny(dir, c -> {}).chatTemplate().render(CONVERSATION, false);
    assertThat(prompt).endsWith("<|im_start|>assistant\n<think></think>");
  }

  @Test
  void withoutAGenerationPromptChatMlStopsAfterTheLastTurn(@TempDir Path dir) throws Exception {
    String text =
        tiny(dir, c -> {})
            .chatTemplate()
            .render(CONVERSATION, new RenderOptions(false, true, Map.of()));
    assertThat(text).endsWith("What is 2+2?<|im_end|>\n").doesNotContain("assistant");
  }

  @Test
  void markersEncodeToTheirSingleTokenIdsAndNoBosIsAdded(@TempDir Path dir) throws Exception {
    Tokenizer tokenizer = tiny(dir, c -> {});
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
  void tokenizerWithoutChatTemplateOrChatMlTokensIsRejectedNamingThem() {
    assertThatThrownBy(() -> SharedFixtures.loaded("gpt4o").chatTemplate())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("<|im_start|>, <|im_end|>, <think>, </think>")
        .hasMessageContaining("gpt4o");
  }

  static Stream<Goldens.Case> qwen3Goldens() {
    return Goldens.cases("qwen3").stream();
  }

  /** The qwen3 fixture's own template, through the whole path, against Python's jinja2. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("qwen3Goldens")
  void checkpointTemplateRendersExactlyAsHuggingFace(Goldens.Case golden) {
    ChatTemplate chat = SharedFixtures.loaded("qwen3").chatTemplate();
    assertThat(chat.isCheckpointTemplate()).isTrue();
    List<ChatMessage> messages = new java.util.ArrayList<>();
    for (Object m : (List<?>) golden.variables().get("messages")) {
      Map<?, ?> turn = (Map<?, ?>) m;
      messages.add(new ChatMessage((String) turn.get("role"), (String) turn.get("content")));
    }
    RenderOptions options =
        new RenderOptions(
            (Boolean) golden.variables().get("add_generation_prompt"),
            (Boolean) golden.variables().get("enable_thinking"),
            Map.of());
    assertThat(chat.render(messages, options)).isEqualTo(golden.expected());
  }

  @Test
  void qwen3TemplateClosesTheThinkBlockWhenNotThinking() {
    ChatTemplate chat = SharedFixtures.loaded("qwen3").chatTemplate();
    assertThat(chat.render(CONVERSATION, false))
        .endsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n");
    assertThat(chat.render(CONVERSATION, true)).endsWith("<|im_end|>\n<|im_start|>assistant\n");
  }

  @Test
  void templateSeesSpecialTokensAndExtraVariables(@TempDir Path dir) throws Exception {
    Tokenizer tokenizer =
        tiny(
            dir,
            c ->
                c.put(
                    "chat_template",
                    "{{ bos_token }}{% for m in messages %}[{{ m.role }}]{{ m.content }}"
                        + "{% endfor %}{{ tools | tojson }}|{{ documents }}|{{ eos_token }}"));
    String text =
        tokenizer
            .chatTemplate()
            .render(
                List.of(new ChatMessage("user", "hi")),
                new RenderOptions(true, false, Map.of("tools", List.of(Map.of("name", "f")))));
    assertThat(text).isEqualTo("<s>[user]hi[{\"name\": \"f\"}]|None|</s>");
  }

  @Test
  void namedTemplateListUsesTheDefaultOne(@TempDir Path dir) throws Exception {
    Tokenizer tokenizer =
        tiny(
            dir,
            c -> {
              var list = c.putArray("chat_template");
              list.addObject().put("name", "tool_use").put("template", "tools");
              list.addObject()
                  .put("name", "default")
                  .put("template", "default {{ messages|length }}");
            });
    assertThat(tokenizer.chatTemplate().render(CONVERSATION, true)).isEqualTo("default 2");
  }

  @Test
  void namedTemplateListWithoutDefaultIsRejectedNamingTheFile(@TempDir Path dir) {
    assertThatThrownBy(
            () ->
                tiny(
                    dir,
                    c ->
                        c.putArray("chat_template")
                            .addObject()
                            .put("name", "x")
                            .put("template", "")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokenizer_config.json chat_template")
        .hasMessageContaining("[x]")
        .hasMessageContaining("'default'");
  }

  @Test
  void chatTemplateJinjaFileTakesPrecedenceOverTheConfig(@TempDir Path dir) throws Exception {
    TinyTokenizerFiles.write(dir, 512);
    Files.writeString(dir.resolve("chat_template.jinja"), "from file: {{ messages[0].content }}\n");
    assertThat(Tokenizer.load(dir).chatTemplate().render(CONVERSATION, true))
        .isEqualTo("from file: Be brief.");
  }

  @Test
  void templateSyntaxErrorNamesTheFileLineAndColumn(@TempDir Path dir) throws Exception {
    Tokenizer tokenizer =
        tiny(dir, c -> c.put("chat_template", "line one\n{% for m in messages %}\n{{ m.role + }}"));
    assertThatThrownBy(tokenizer::chatTemplate)
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining(dir.resolve("tokenizer_config.json") + " chat_template line 3 column")
        .hasMessageContaining("expected an expression");
  }

  @Test
  void raiseExceptionInTheTemplateBecomesARaisedByTemplateException(@TempDir Path dir)
      throws Exception {
    Tokenizer tokenizer =
        tiny(
            dir,
            c ->
                c.put(
                    "chat_template",
                    "{% if messages[0].role != 'user' %}"
                        + "{{ raise_exception('first turn must be the user') }}{% endif %}"));
    assertThatThrownBy(() -> tokenizer.chatTemplate().render(CONVERSATION, true))
        .isInstanceOf(RaisedByTemplateException.class)
        .hasMessageContaining("line 1 column")
        .extracting(e -> ((RaisedByTemplateException) e).reason())
        .isEqualTo("first turn must be the user");
  }

  @Test
  void extraVariablesCannotReplaceTheMessagesOrFlags() {
    assertThatThrownBy(() -> new RenderOptions(true, true, Map.of("messages", List.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'messages'");
  }
}
