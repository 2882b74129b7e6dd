package dev.inference.nemotron.pod.serve;

import dev.inference.nemotron.pod.decode.DecodeResult;
import dev.inference.nemotron.pod.decode.StopReason;
import dev.inference.nemotron.pod.serve.api.ApiError;
import dev.inference.nemotron.pod.serve.api.Choice;
import dev.inference.nemotron.pod.serve.api.FinishReason;
import dev.inference.nemotron.pod.serve.api.OpenAiResponses;
import dev.inference.nemotron.pod.serve.api.ResponseKind;
import dev.inference.nemotron.pod.serve.api.Sse;
import dev.inference.nemotron.pod.serve.api.Usage;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One API request in flight: its choices (prompts x n), each a sequence in the scheduler, and the
 * response they build. Streaming writes an SSE chunk per step and choice (diffusion: a block at a
 * time), then the usage chunk when asked and {@code data: [DONE]}; otherwise one JSON body once
 * every choice ended. Scheduler callbacks hop onto the connection's Vert.x context, which alone
 * touches the response.
 */
final class GenerationCall {
  private final ResponseKind kind;
  private final String id;
  private final long created;
  private final String model;
  private final boolean stream;
  private final boolean includeUsage;
  private final Context context;
  private final HttpServerResponse response;
  private final Consumer<GenerationCall> onEnd; // called once, when the call ends either way
  private final AtomicBoolean released = new AtomicBoolean();
  private final List<ChoiceState> choices = new ArrayList<>();
  private final AtomicBoolean ended = new AtomicBoolean();
  private final List<Scheduler.Handle> handles = new ArrayList<>();
  private int promptTokens;
  private int open;
  private boolean headersSent;

  GenerationCall(
      ResponseKind kind,
      String model,
      boolean stream,
      boolean includeUsage,
      Context context,
      HttpServerResponse response,
      Consumer<GenerationCall> onEnd) {
    this.kind = kind;
    this.id = kind.newId();
    this.created = System.currentTimeMillis() / 1000;
    this.model = model;
    this.stream = stream;
    this.includeUsage = includeUsage;
    this.context = context;
    this.response = response;
    this.onEnd = onEnd;
  }

  /** A choice's text assembly and outcome. */
  final class ChoiceState implements SequenceObserver {
    final int index;
    final ChoiceText text;
    final StringBuilder full = new StringBuilder();
    final StringBuilder unsent = new StringBuilder();
    boolean first = true;
    DecodeResult result;

    ChoiceState(int index, ChoiceText text) {
      this.index = index;
      this.text = text;
    }

    @Override
    public void onToken(int tokenId) {
      String piece = text.push(tokenId);
      full.append(piece);
      unsent.append(piece);
    }

    @Override
    public void onStepEnd() {
      if (stream && !unsent.isEmpty()) {
        String piece = unsent.toString();
        unsent.setLength(0);
        context.runOnContext(v -> sendChunk(this, piece, null));
      }
    }

    @Override
    public void onFinish(DecodeResult r) {
      String rest = text.finish();
      full.append(rest);
      unsent.append(rest);
      String piece = unsent.toString();
      unsent.setLength(0);
      context.runOnContext(v -> finished(this, r, piece));
    }

    @Override
    public void onFailure(Failure failure, String message) {
      context.runOnContext(v -> failed(failure, message));
    }
  }

  /** Adds a choice; returns its observer. */
  ChoiceState addChoice(int index, ChoiceText text) {
    ChoiceState c = new ChoiceState(index, text);
    choices.add(c);
    open++;
    return c;
  }

  void addPromptTokens(int tokens) {
    promptTokens += tokens;
  }

  void addHandle(Scheduler.Handle handle) {
    handles.add(handle);
  }

  /** Hands the call to {@code onEnd} once, whichever way it ended. */
  private void release() {
    if (released.compareAndSet(false, true)) {
      onEnd.accept(this);
    }
  }

  /** The call could not start (refused by the scheduler): its sequences stop and it ends now. */
  void abandon() {
    cancel();
    release();
  }

  /** The client went away: every sequence stops before its next forward and frees its cache. */
  void cancel() {
    handles.forEach(Scheduler.Handle::cancel);
  }

  int completionTokens() {
    return choices.stream().mapToInt(c -> c.result == null ? 0 : c.result.tokens()).sum();
  }

  int promptTokens() {
    return promptTokens;
  }

  private void sendHeaders() {
    if (!headersSent) {
      headersSent = true;
      response
          .setStatusCode(200)
          .putHeader("Content-Type", "text/event-stream; charset=utf-8")
          .putHeader("Cache-Control", "no-cache")
          .setChunked(true);
    }
  }

  private void sendChunk(ChoiceState c, String piece, FinishReason finish) {
    if (ended.get() || response.closed()) {
      return;
    }
    sendHeaders();
    byte[] json =
        kind == ResponseKind.CHAT
            ? OpenAiResponses.chatChunk(
                id, created, model, c.index, c.first ? "assistant" : null, piece, finish)
            : OpenAiResponses.completionChunk(id, created, model, c.index, piece, finish);
    c.first = false;
    response.write(Buffer.buffer(Sse.event(json)));
  }

  private void finished(ChoiceState c, DecodeResult r, String piece) {
    c.result = r;
    open--;
    if (stream) {
      sendChunk(c, piece, finishReason(r));
    }
    if (open == 0) {
      complete();
    }
  }

  private void complete() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    Usage usage = new Usage(promptTokens, completionTokens());
    if (response.closed()) {
      release();
      return;
    }
    if (stream) {
      sendHeaders();
      if (includeUsage) {
        response.write(
            Buffer.buffer(Sse.event(OpenAiResponses.usageChunk(kind, id, created, model, usage))));
      }
      response.end(Sse.DONE);
    } else {
      List<Choice> out =
          choices.stream()
              .map(c -> new Choice(c.index, c.full.toString(), finishReason(c.result)))
              .sorted((a, b) -> Integer.compare(a.index(), b.index()))
              .toList();
      byte[] body =
          kind == ResponseKind.CHAT
              ? OpenAiResponses.chatCompletion(id, created, model, out, usage)
              : OpenAiResponses.completion(id, created, model, out, usage);
      response
          .setStatusCode(200)
          .putHeader("Content-Type", "application/json")
          .end(Buffer.buffer(body));
    }
    release();
  }

  private void failed(SequenceObserver.Failure failure, String message) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    cancel();
    release();
    if (response.closed()) {
      return;
    }
    ApiError error =
        switch (failure) {
          case TIMEOUT ->
              new ApiError(
                  408, ApiError.INVALID_REQUEST, null, "timeout", message, OptionalInt.empty());
          case REJECTED -> ApiError.invalidRequest(null, message);
          case SHUTDOWN -> ApiError.unavailable(message, 5);
          default -> ApiError.internal(message);
        };
    if (headersSent) {
      // Mid-stream: an error event the client can read, then the end of the stream.
      response.write(Buffer.buffer(Sse.event(error.toJson())));
      response.end(Sse.DONE);
    } else {
      OpenAiServer.send(response, error);
    }
  }

  private static FinishReason finishReason(DecodeResult r) {
    return r.stopReason() == StopReason.MAX_TOKENS ? FinishReason.LENGTH : FinishReason.STOP;
  }
}
