package dev.inference.nemotron.pod.serve.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The JSON bodies the server answers with, field for field and in the order OpenAI writes them, so
 * that stock clients (the official SDKs, LangChain, curl scripts) read them unchanged. Every method
 * returns compact UTF-8 JSON on one line, ready for a response body or {@link Sse#event(byte[])}.
 */
public final class OpenAiResponses {

  private static final ObjectMapper JSON = new ObjectMapper();

  private OpenAiResponses() {}

  /** A whole {@code text_completion}: {@code {id, object, created, model, choices, usage}}. */
  public static byte[] completion(
      String id, long created, String model, List<Choice> choices, Usage usage) {
    ObjectNode root = header(id, ResponseKind.COMPLETION.object(), created, model);
    ArrayNode array = root.putArray("choices");
    for (Choice c : choices) {
      ObjectNode choice = array.addObject();
      choice.put("index", c.index());
      choice.put("text", c.text());
      choice.putNull("logprobs");
      choice.put("finish_reason", c.finishReason().wireName());
    }
    root.set("usage", usage(usage));
    return bytes(root);
  }

  /**
   * A whole {@code chat.completion}: each choice is {@code {index, message: {role: "assistant",
   * content, refusal: null}, logprobs: null, finish_reason}}.
   */
  public static byte[] chatCompletion(
      String id, long created, String model, List<Choice> choices, Usage usage) {
    ObjectNode root = header(id, ResponseKind.CHAT.object(), created, model);
    ArrayNode array = root.putArray("choices");
    for (Choice c : choices) {
      ObjectNode choice = array.addObject();
      choice.put("index", c.index());
      ObjectNode message = choice.putObject("message");
      message.put("role", "assistant");
      message.put("content", c.text());
      message.putNull("refusal");
      choice.putNull("logprobs");
      choice.put("finish_reason", c.finishReason().wireName());
    }
    root.set("usage", usage(usage));
    return bytes(root);
  }

  /**
   * One streamed piece of a completion choice.
   *
   * @param text the new text (may be empty, e.g. on the last chunk)
   * @param finishReason null until the choice's last chunk
   */
  public static byte[] completionChunk(
      String id, long created, String model, int index, String text, FinishReason finishReason) {
    ObjectNode root = header(id, ResponseKind.COMPLETION.chunkObject(), created, model);
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", index);
    choice.put("text", text);
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason == null ? null : finishReason.wireName());
    return bytes(root);
  }

  /**
   * One streamed piece of a chat choice: {@code delta} holds the role on a choice's first chunk,
   * then content; the last chunk has an empty delta and the finish reason.
   *
   * @param deltaRole {@code assistant} on the first chunk of a choice, null after
   * @param deltaContent the new text, null when the chunk carries none
   * @param finishReason null until the choice's last chunk
   */
  public static byte[] chatChunk(
      String id,
      long created,
      String model,
      int index,
      String deltaRole,
      String deltaContent,
      FinishReason finishReason) {
    ObjectNode root = header(id, ResponseKind.CHAT.chunkObject(), created, model);
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", index);
    ObjectNode delta = choice.putObject("delta");
    if (deltaRole != null) {
      delta.put("role", deltaRole);
    }
    if (deltaContent != null) {
      delta.put("content", deltaContent);
    }
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason == null ? null : finishReason.wireName());
    return bytes(root);
  }

  /**
   * The last chunk of a stream whose client asked for {@code stream_options.include_usage}: no
   * choices, only the usage of the whole request.
   */
  public static byte[] usageChunk(
      ResponseKind kind, String id, long created, String model, Usage usage) {
    ObjectNode root = header(id, kind.chunkObject(), created, model);
    root.putArray("choices");
    root.set("usage", usage(usage));
    return bytes(root);
  }

  /** {@code GET /v1/models}: {@code {object: "list", data: [model, ...]}}. */
  public static byte[] models(List<ModelCard> models) {
    ObjectNode root = JSON.createObjectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    models.forEach(m -> data.add(modelNode(m)));
    return bytes(root);
  }

  /** {@code GET /v1/models/{id}}: {@code {id, object: "model", created, owned_by}}. */
  public static byte[] model(ModelCard model) {
    return bytes(modelNode(model));
  }

  private static ObjectNode modelNode(ModelCard m) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", m.id());
    node.put("object", "model");
    node.put("created", m.created());
    node.put("owned_by", m.ownedBy());
    return node;
  }

  private static ObjectNode header(String id, String object, long created, String model) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", id);
    root.put("object", object);
    root.put("created", created);
    root.put("model", model);
    return root;
  }

  private static ObjectNode usage(Usage usage) {
    ObjectNode node = JSON.createObjectNode();
    node.put("prompt_tokens", usage.promptTokens());
    node.put("completion_tokens", usage.completionTokens());
    node.put("total_tokens", usage.totalTokens());
    return node;
  }

  private static byte[] bytes(ObjectNode root) {
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("a tree of strings and numbers always serializes", e);
    }
  }
}
