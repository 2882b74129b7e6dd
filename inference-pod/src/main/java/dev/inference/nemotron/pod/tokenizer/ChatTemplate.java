package dev.inference.nemotron.pod.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders a conversation in the ChatML format with a think block that Nemotron-Labs-Diffusion's
 * instruct checkpoints use:
 *
 * <pre>{@code
 * <|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n
 * }</pre>
 *
 * followed by {@code <think>\n} when thinking is enabled, else {@code <think></think>}. No BOS is
 * added. A checkpoint's {@code chat_template} (Jinja) is not interpreted: this class always renders
 * ChatML, and checks when it is created that the tokenizer has the four ChatML tokens as single
 * added tokens, so the rendered markers encode to their ids rather than to text pieces.
 */
public final class ChatTemplate {
  static final String IM_START = "<|im_start|>";
  static final String IM_END = "<|im_end|>";
  static final String THINK = "<think>";
  static final String END_THINK = "</think>";

  ChatTemplate(Tokenizer tokenizer) {
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

  /**
   * The prompt for {@code messages}, ending with the opened assistant turn and its think block.
   *
   * @param thinking open a think block ({@code <think>\n}) rather than an empty one
   */
  public String render(List<ChatMessage> messages, boolean thinking) {
    StringBuilder out = new StringBuilder();
    for (ChatMessage m : messages) {
      out.append(IM_START).append(m.role()).append('\n').append(m.content()).append(IM_END);
      out.append('\n');
    }
    out.append(IM_START).append("assistant\n");
    out.append(thinking ? THINK + "\n" : THINK + END_THINK);
    return out.toString();
  }
}
