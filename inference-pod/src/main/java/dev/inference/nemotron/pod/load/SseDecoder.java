package dev.inference.nemotron.pod.load;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An incremental decoder of a {@code text/event-stream} body, as the HTML standard defines it:
 * bytes arrive in reads of any size (an event, a line, even a UTF-8 character may be split across
 * reads); lines end in LF, CRLF or CR; lines starting with {@code :} are comments (keep-alives);
 * {@code data:} lines accumulate, joined by LF, until a blank line dispatches the event. Fields
 * other than {@code data} and {@code event} are ignored, and an event left without its blank line
 * when the stream ends is dropped.
 */
public final class SseDecoder {
  /**
   * One dispatched event.
   *
   * @param type the {@code event:} field, {@code message} when none was given
   * @param data the {@code data:} lines joined by LF
   */
  public record Event(String type, String data) {}

  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final StringBuilder data = new StringBuilder();
  private String type = "";
  private boolean hasData;
  private boolean afterCr;
  private boolean firstLine = true;

  /** Decodes {@code length} bytes from {@code offset}; returns the events they completed. */
  public List<Event> feed(byte[] bytes, int offset, int length) {
    List<Event> events = new ArrayList<>();
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      if (b == '\n' && afterCr) {
        afterCr = false; // the LF of a CRLF: the line already ended at the CR
        continue;
      }
      afterCr = b == '\r';
      if (b == '\n' || b == '\r') {
        endLine(events);
      } else {
        line.write(b);
      }
    }
    return events;
  }

  private void endLine(List<Event> events) {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (firstLine && text.startsWith("\uFEFF")) {
      text = text.substring(1); // a byte order mark may open the stream
    }
    firstLine = false;
    if (text.isEmpty()) {
      if (hasData) {
        events.add(new Event(type.isEmpty() ? "message" : type, data.toString()));
      }
      data.setLength(0);
      hasData = false;
      type = "";
      return;
    }
    if (text.charAt(0) == ':') {
      return; // a comment, e.g. ": keep-alive"
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = colon < 0 ? "" : text.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      case "event" -> type = value;
      default -> {
        // id, retry and unknown fields mean nothing to a completion stream
      }
    }
  }
}
