package dev.inference.nemotron.pod.serve;

import dev.inference.nemotron.pod.tokenizer.StreamingDecoder;
import java.util.List;

/**
 * The text of one choice as tokens arrive: decoded incrementally (never splitting a character), cut
 * before the first stop string (OpenAI semantics: the stop string is not returned), and, while
 * streaming, holding back the tail that could still grow into a stop string. What {@link #push} and
 * {@link #finish} return, concatenated, is exactly the non-streamed text.
 */
final class ChoiceText {
  private final StreamingDecoder decoder;
  private final List<String> stops;
  private final int holdBack;
  private final StringBuilder pending = new StringBuilder();
  private boolean stopped;

  ChoiceText(StreamingDecoder decoder, List<String> stops) {
    this.decoder = decoder;
    this.stops = stops;
    this.holdBack = stops.stream().mapToInt(String::length).max().orElse(1) - 1;
  }

  /** Adds a token; returns the text that is now final (possibly empty). */
  String push(int tokenId) {
    if (stopped) {
      return "";
    }
    pending.append(decoder.push(tokenId));
    int cut = firstStop();
    if (cut >= 0) {
      stopped = true;
      String out = pending.substring(0, cut);
      pending.setLength(0);
      return out;
    }
    int safe = Math.max(0, pending.length() - holdBack);
    // Never split a surrogate pair at the hold-back boundary.
    if (safe > 0
        && safe < pending.length()
        && Character.isHighSurrogate(pending.charAt(safe - 1))) {
      safe--;
    }
    String out = pending.substring(0, safe);
    pending.delete(0, safe);
    return out;
  }

  /** The rest of the text once generation ended. */
  String finish() {
    if (stopped) {
      return "";
    }
    pending.append(decoder.finish());
    int cut = firstStop();
    String out = cut >= 0 ? pending.substring(0, cut) : pending.toString();
    pending.setLength(0);
    stopped = true;
    return out;
  }

  private int firstStop() {
    int cut = -1;
    for (String stop : stops) {
      int at = pending.indexOf(stop);
      if (at >= 0 && (cut < 0 || at < cut)) {
        cut = at;
      }
    }
    return cut;
  }
}
