package dev.inference.nemotron.pod.fetch;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * HTTP to the Hub and the CDN it sends downloads to: redirects followed by hand so that the token
 * goes to the Hub only, never to the CDN (the JDK client would resend it to any host); a watchdog
 * for stalled connections; retries with backoff for network failures and transient statuses.
 */
final class HubHttp implements AutoCloseable {
  private static final int MAX_REDIRECTS = 10;
  private static final String USER_AGENT = "ndd-fetch/0.1";

  private final HubAccess access;
  private final RetryPolicy retry;
  private final DownloadProgress progress;
  private final HttpClient http;

  HubHttp(HubAccess access, RetryPolicy retry, DownloadProgress progress) {
    this.access = access;
    this.retry = retry;
    this.progress = progress;
    // HTTP/1.1: one connection per file streams at full speed, where the JDK's HTTP/2 flow
    // control windows have throttled multi-gigabyte bodies
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(retry.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * Sends one request, following redirects; the token goes only to the Hub. Waits for it with a
   * watchdog: a request with neither headers nor new body bytes for the idle timeout is abandoned
   * (a stalled connection otherwise blocks forever). {@code bytes} counts the body so far, -1
   * before headers; {@code tick} runs about twice a second for progress.
   */
  <T> HttpResponse<T> send(
      String method,
      URI start,
      String range,
      BodyHandler<T> handler,
      LongSupplier bytes,
      Runnable tick)
      throws IOException, InterruptedException {
    URI uri = start;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri)
              .method(method, HttpRequest.BodyPublishers.noBody())
              .header("User-Agent", USER_AGENT);
      if (range != null) {
        request.header("Range", range);
      }
      if (access.isHub(uri)) {
        access.authorization().ifPresent(value -> request.header("Authorization", value));
      }
      HttpResponse<T> response = await(http.sendAsync(request.build(), handler), bytes, tick, uri);
      int status = response.statusCode();
      if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
        return response;
      }
      URI from = uri;
      String location =
          response
              .headers()
              .firstValue("Location")
              .orElseThrow(
                  () -> new FetchException(from + " redirected (HTTP " + status + ") to nowhere"));
      uri = from.resolve(location);
    }
    throw new FetchException(start + ": more than " + MAX_REDIRECTS + " redirects");
  }

  private <T> HttpResponse<T> await(
      CompletableFuture<HttpResponse<T>> pending, LongSupplier bytes, Runnable tick, URI uri)
      throws IOException, InterruptedException {
    long idle = retry.idleTimeout().toNanos();
    long tickMillis = Math.max(1, Math.min(500, retry.idleTimeout().toMillis() / 4));
    long seen = bytes.getAsLong();
    long lastChange = System.nanoTime();
    while (true) {
      try {
        return pending.get(tickMillis, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        tick.run();
        long now = System.nanoTime();
        long b = bytes.getAsLong();
        if (b != seen) {
          seen = b;
          lastChange = now;
        } else if (now - lastChange > idle) {
          pending.cancel(true);
          throw new HttpTimeoutException(
              "no data from " + uri.getHost() + " for " + ByteCount.time(retry.idleTimeout()));
        }
      } catch (ExecutionException e) {
        IOException failure = unwrap(e.getCause());
        if (failure instanceof ConnectException && failure.getMessage() == null) {
          // the JDK's ConnectException has no message: say where it could not connect
          ConnectException named =
              new ConnectException(
                  "cannot connect to "
                      + uri.getHost()
                      + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
          named.initCause(failure);
          throw named;
        }
        throw failure;
      } catch (InterruptedException e) {
        pending.cancel(true);
        throw e;
      }
    }
  }

  /**
   * The failure behind an async exception: our own {@link FetchException} wherever the client
   * wrapped it, else the I/O error to retry.
   */
  private static IOException unwrap(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof FetchException fetch) {
        return fetch;
      }
    }
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof IOException io) {
      return io;
    }
    if (t instanceof RuntimeException r) {
      throw r;
    }
    return new IOException(t);
  }

  /** Repeats {@code call} on network failures and transient statuses, with backoff. */
  <T> T withRetries(String what, Call<T> call) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.run();
      } catch (FetchException e) {
        throw e;
      } catch (IOException e) {
        if (attempt >= retry.attempts()) {
          throw new FetchException(
              "could not get "
                  + what
                  + " from "
                  + access.endpoint()
                  + " after "
                  + attempt
                  + " attempt(s): "
                  + describe(e)
                  + " (check HF_ENDPOINT and the pod's network access)",
              e);
        }
        Duration wait = retry.backoff(attempt);
        progress.note(
            what
                + ": "
                + describe(e)
                + "; retrying in "
                + ByteCount.time(wait)
                + " (attempt "
                + (attempt + 1)
                + " of "
                + retry.attempts()
                + ")");
        Thread.sleep(wait.toMillis());
      }
    }
  }

  /** An exception's message, or its type when it has none. */
  static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  @Override
  public void close() {
    http.close();
  }

  /** One try of a request. */
  @FunctionalInterface
  interface Call<T> {
    T run() throws IOException, InterruptedException;
  }
}
