package dev.inference.nemotron.pod.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The event-stream decoder, fed the way a socket delivers: in reads of any size. */
class LoadSseDecoderTest {
  private static final String STREAM =
      ": keep-alive\n\n"
          + "data: {\"choices\":[{\"text\":\"Hé\"}]}\n\n"
          + ": keep-alive\n: still here\n\n"
          + "data: {\"choices\":[{\"text\":\"llo €\"}]}\r\n\r\n"
          + "data: first line\ndata: second line\n\n"
          + "event: error\ndata: {\"error\":{\"message\":\"boom\"}}\n\n"
          + "data: [DONE]\n\n";

  private static List<SseDecoder.Event> decodeInReads(byte[] bytes, int... cuts) {
    SseDecoder decoder = new SseDecoder();
    List<SseDecoder.Event> events = new ArrayList<>();
    int from = 0;
    for (int cut : cuts) {
      events.addAll(decoder.feed(bytes, from, cut - from));
      from = cut;
    }
    events.addAll(decoder.feed(bytes, from, bytes.length - from));
    return events;
  }

  private static List<SseDecoder.Event> decode(String text) {
    return decodeInReads(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void dispatchesDataEventsAndSkipsKeepAliveComments() {
    List<SseDecoder.Event> events = decode(STREAM);

    assertThat(events)
        .extracting(SseDecoder.Event::data)
        .containsExactly(
            "{\"choices\":[{\"text\":\"Hé\"}]}",
            "{\"choices\":[{\"text\":\"llo €\"}]}",
            "first line\nsecond line",
            "{\"error\":{\"message\":\"boom\"}}",
            "[DONE]");
    assertThat(events)
        .extracting(SseDecoder.Event::type)
        .containsExactly("message", "message", "message", "error", "message");
  }

  @Test
  void everySplitOfTheBytesGivesTheSameEvents() {
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    List<SseDecoder.Event> whole = decodeInReads(bytes);
    // One cut at every position: splits inside "data:", inside CRLF and inside the UTF-8 of é, €.
    for (int cut = 1; cut < bytes.length; cut++) {
      assertThat(decodeInReads(bytes, cut)).as("cut at %d", cut).isEqualTo(whole);
    }
    // Byte by byte, and random read sizes.
    int[] everyByte = new int[bytes.length - 1];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = i + 1;
    }
    assertThat(decodeInReads(bytes, everyByte)).isEqualTo(whole);
    Random random = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      List<Integer> cuts = new ArrayList<>();
      for (int at = random.nextInt(1, 9); at < bytes.length; at += random.nextInt(1, 40)) {
        cuts.add(at);
      }
      assertThat(decodeInReads(bytes, cuts.stream().mapToInt(i -> i).toArray()))
          .as("trial %d", trial)
          .isEqualTo(whole);
    }
  }

  @Test
  void aCrAtTheEndOfAReadAndItsLfInTheNextEndOneLineNotTwo() {
    byte[] bytes = "data: a\r\ndata: b\r\n\r\n".getBytes(StandardCharsets.UTF_8);

    // Cut between the CR and the LF of the first line: a second line end would dispatch "a" alone.
    assertThat(decodeInReads(bytes, 8)).extracting(SseDecoder.Event::data).containsExactly("a\nb");
  }

  @Test
  void bareCrEndsLinesToo() {
    assertThat(decode("data: x\rdata: y\r\r"))
        .extracting(SseDecoder.Event::data)
        .containsExactly("x\ny");
  }

  @Test
  void commentsBetweenDataLinesAndOnlyCommentsDispatchNothing() {
    assertThat(decode(": a\n: b\n: c\n\n\n\n")).isEmpty();
    assertThat(decode("data: a\n: ping\ndata: b\n\n"))
        .extracting(SseDecoder.Event::data)
        .containsExactly("a\nb");
  }

  @Test
  void fieldSyntaxFollowsTheStandard() {
    assertThat(decode("data:no space\n\n"))
        .extracting(SseDecoder.Event::data)
        .containsExactly("no space");
    assertThat(decode("data:  two spaces\n\n"))
        .extracting(SseDecoder.Event::data)
        .containsExactly(" two spaces");
    assertThat(decode("data\n\n")).extracting(SseDecoder.Event::data).containsExactly("");
    assertThat(decode("id: 7\nretry: 100\nfoo: bar\ndata: x\n\n"))
        .extracting(SseDecoder.Event::data)
        .containsExactly("x");
    assertThat(decode("id: 7\n\n")).isEmpty(); // no data: nothing to dispatch
  }

  @Test
  void anEventCutOffBeforeItsBlankLineIsNotDispatched() {
    assertThat(decode("data: [DONE]\n")).isEmpty();
    assertThat(decode("data: [DONE]")).isEmpty();
  }

  @Test
  void aByteOrderMarkOpeningTheStreamIsSkipped() {
    assertThat(decode("\uFEFFdata: x\n\n")).extracting(SseDecoder.Event::data).containsExactly("x");
  }
}
