package dev.inference.nemotron.pod.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inference.nemotron.pod.model.FileAccess;
import dev.inference.nemotron.pod.tokenizer.jinja.RaisedByTemplateException;
import dev.inference.nemotron.pod.tokenizer.jinja.Template;
import dev.inference.nemotron.pod.tokenizer.jinja.TemplateException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Renders a conversation into the prompt text of the model.
 *
 * <p>When the checkpoint has its own Jinja {@code chat_template} (a {@code chat_template.jinja}
 * file next to the tokenizer, else the {@code chat_template} of {@code tokenizer_config.json}: a
 * string, or a list of named templates of which {@code default} is used), it is rendered exactly as
 * Hugging Face's {@code apply_chat_template} does, with the variables {@code messages}, {@code
 * add_generation_prompt}, {@code enable_thinking}, {@code tools} and {@code documents} (None), and
 * the special tokens of the config ({@code bos_token}, {@code eos_token}, ...).
 *
 * <p>Otherwise it renders the ChatML format with a think block that Nemotron-Labs-Diffusion's
 * instruct checkpoints use:
 *
 * <pre>{@code
 * <|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n
 * }</pre>
 *
 * followed by {@code <think>\n} when thinking is enabled, else {@code <think></think>}. It then
 * checks when it is created that the tokenizer has the four ChatML tokens as single added tokens,
 * so the rendered markers encode to their ids rather than to text pieces. No BOS is added either
 * way (a checkpoint template may write {@code bos_token} itself).
 */
public final class ChatTemplate {
  static final String IM_START = "<|im_start|>";
  static final String IM_END = "<|im_end|>";
  static final String THINK = "<think>";
  static final String END_THINK = "</think>";

  private static final List<String> SPECIAL_TOKEN_FIELDS =
      List.of(
          "bos_token",
          "eos_token",
          "unk_token",
          "sep_token",
          "pad_token",
          "cls_token",
          "mask_token");
  private static final Set<String> RESERVED =
      Set.of("messages", "add_generation_prompt", "enable_thinking");

  /**
   * How to render.
   *
   * @param addGenerationPrompt end with the opened assistant turn (a prompt for generation)
   * @param enableThinking let the model think first (the template's {@code enable_thinking})
   * @param extraVariables more template variables, e.g. {@code tools}; they cannot replace {@code
   *     messages}, {@code add_generation_prompt} or {@code enable_thinking}
   */
  public record RenderOptions(
      boolean addGenerationPrompt, boolean enableThinking, Map<String, Object> extraVariables) {
    public RenderOptions {
      Objects.requireNonNull(extraVariables, "extraVariables");
      for (String name : extraVariables.keySet()) {
        if (RESERVED.contains(name)) {
          throw new IllegalArgumentException(
              "extra chat template variable '" + name + "' is set by the render options itself");
        }
      }
      extraVariables = Collections.unmodifiableMap(new LinkedHashMap<>(extraVariables));
    }

    /** A generation prompt, thinking or not, without extra variables. */
    public static RenderOptions prompt(boolean thinking) {
      return new RenderOptions(true, thinking, Map.of());
    }
  }

  /**
   * The chat part of a checkpoint's tokenizer files.
   *
   * @param source the Jinja template text, or null when the checkpoint has none
   * @param origin where the template came from, for error messages
   * @param specialTokens the special tokens of {@code tokenizer_config.json} as template variables
   */
  record Definition(String source, String origin, Map<String, Object> specialTokens) {
    static Definition read(JsonNode config, Path configFile) throws IOException {
      Map<String, Object> special = new LinkedHashMap<>();
      JsonNode template = null;
      if (config != null) {
        for (String field : SPECIAL_TOKEN_FIELDS) {
          String text = Tokenizer.tokenText(config.get(field));
          if (text != null) {
            special.put(field, text);
          }
        }
        JsonNode additional = config.get("additional_special_tokens");
        if (additional != null && additional.isArray() && !additional.isEmpty()) {
          List<Object> texts = new ArrayList<>();
          additional.forEach(t -> texts.add(Tokenizer.tokenText(t)));
          special.put("additional_special_tokens", texts);
        }
        template = config.get("chat_template");
      }
      Path jinjaFile = configFile.resolveSibling("chat_template.jinja");
      if (FileAccess.kind(jinjaFile) != FileAccess.Kind.MISSING) {
        String text = FileAccess.readString(jinjaFile);
        return new Definition(text, jinjaFile.toString(), special);
      }
      String origin = configFile + " chat_template";
      return new Definition(templateText(template, origin), origin, special);
    }

    private static String templateText(JsonNode template, String origin) {
      if (template == null || template.isNull()) {
        return null;
      }
      if (template.isTextual()) {
        return template.asText();
      }
      if (!template.isArray()) {
        throw new IllegalArgumentException(
            origin
                + ": expected a string or a list of {name, template}, found "
                + template.getNodeType());
      }
      List<String> names = new ArrayList<>();
      for (JsonNode named : template) {
        String name = named.path("name").asText(null);
        names.add(name);
        if ("default".equals(name) && named.path("template").isTextual()) {
          return named.get("template").asText();
        }
      }
      throw new IllegalArgumentException(
          origin + ": the list of templates " + names + " has no string template named 'default'");
    }
  }

  private final Template template;
  private final Map<String, Object> specialTokens;

  ChatTemplate(Tokenizer tokenizer, Definition definition) {
    this.specialTokens = definition.specialTokens();
    if (definition.source() != null) {
      this.template = Template.parse(definition.origin(), definition.source());
      return;
    }
    this.template = null;
    List<String> missing = new ArrayList<>();
    for (String token : List.of(IM_START, IM_END, THINK, END_THINK)) {
      if (tokenizer.tokenId(token).isEmpty()) {
        missing.add(token);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          tokenizer
              + " has no token(s) "
              + String.join(", ", missing)
              + ": the ChatML chat format needs <|im_start|>, <|im_end|>, <think> and </think>");
    }
  }

  /** Whether this renders the checkpoint's own Jinja template rather than built-in ChatML. */
  public boolean isCheckpointTemplate() {
    return template != null;
  }

  /**
   * The prompt for {@code messages}, ending with the opened assistant turn.
   *
   * @param thinking let the model think first: with built-in ChatML, open a think block ({@code
   *     <think>\n}) rather than an empty one
   * @throws RaisedByTemplateException when the checkpoint template refuses the conversation
   */
  public String render(List<ChatMessage> messages, boolean thinking) {
    return render(messages, RenderOptions.prompt(thinking));
  }

  /**
   * The text of {@code messages} rendered with {@code options}.
   *
   * @throws RaisedByTemplateException when the checkpoint template refuses the conversation
   * @throws TemplateException when the checkpoint template fails, naming its file, line and column
   */
  public String render(List<ChatMessage> messages, RenderOptions options) {
    if (template == null) {
      return renderChatMl(messages, options);
    }
    List<Map<String, Object>> turns = new ArrayList<>();
    for (ChatMessage m : messages) {
      Map<String, Object> turn = new LinkedHashMap<>();
      turn.put("role", m.role());
      turn.put("content", m.content());
      turns.add(turn);
    }
    Map<String, Object> variables = new LinkedHashMap<>(specialTokens);
    variables.put("tools", null);
    variables.put("documents", null);
    variables.putAll(options.extraVariables());
    variables.put("messages", turns);
    variables.put("add_generation_prompt", options.addGenerationPrompt());
    variables.put("enable_thinking", options.enableThinking());
    return template.render(variables);
  }

  private static String renderChatMl(List<ChatMessage> messages, RenderOptions options) {
    StringBuilder out = new StringBuilder();
    for (ChatMessage m : messages) {
      out.append(IM_START).append(m.role()).append('\n').append(m.content()).append(IM_END);
      out.append('\n');
    }
    if (options.addGenerationPrompt()) {
      out.append(IM_START).append("assistant\n");
      out.append(options.enableThinking() ? THINK + "\n" : THINK + END_THINK);
    }
    return out.toString();
  }
}
