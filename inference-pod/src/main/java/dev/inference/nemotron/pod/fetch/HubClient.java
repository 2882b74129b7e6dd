package dev.inference.nemotron.pod.fetch;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hugging Face Hub's HTTP file API: a repository's listing at a revision, and its files
 * downloaded with Range requests that resume where the partial file ends, checked against the
 * listing's sizes as soon as the headers arrive.
 */
final class HubClient implements AutoCloseable {
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
  private static final Pattern UNSATISFIABLE_RANGE = Pattern.compile("bytes \\*/(\\d+)");

  private final HubAccess access;
  private final RetryPolicy retry;
  private final DownloadProgress progress;
  private final HubHttp http;

  HubClient(HubAccess access, RetryPolicy retry, DownloadProgress progress) {
    this.access = access;
    this.retry = retry;
    this.progress = progress;
    this.http = new HubHttp(access, retry, progress);
  }

  /** The repository's files at {@code revision}, with sizes and LFS checksums. */
  HubListing listing(HubRepository repo, String revision) throws IOException, InterruptedException {
    URI uri =
        URI.create(
            access.endpoint()
                + "/api/models/"
                + segment(repo.org())
                + "/"
                + segment(repo.name())
                + "/revision/"
                + segment(revision)
                + "?blobs=true");
    String what = "the file list of " + repo.id() + " at revision '" + revision + "'";
    HttpResponse<String> response =
        http.withRetries(
            what,
            () -> {
              HttpResponse<String> r =
                  http.send(
                      "GET",
                      uri,
                      null,
                      info -> BodySubscribers.ofString(StandardCharsets.UTF_8),
                      () -> 0,
                      () -> {});
              check(r, repo, revision, null);
              return r;
            });
    return HubListing.parse(response.body(), revision, uri.toString());
  }

  /**
   * The size of {@code file} from a HEAD request, for a listing without sizes: the {@code
   * Content-Length} at the end of the redirects (the CDN's, for weights).
   */
  long size(HubRepository repo, String commit, HubFile file)
      throws IOException, InterruptedException {
    URI uri = resolve(repo, commit, file);
    return http.withRetries(
        "the size of " + file.path(),
        () -> {
          HttpResponse<Void> r =
              http.send("HEAD", uri, null, info -> BodySubscribers.discarding(), () -> 0, () -> {});
          check(r, repo, commit, file.path());
          return r.headers()
              .firstValueAsLong("Content-Length")
              .orElseThrow(
                  () ->
                      new FetchException(
                          "the Hub gives no size for "
                              + file.path()
                              + " (no size in the listing, no Content-Length)"));
        });
  }

  /**
   * Downloads {@code file} into {@code partial}, continuing after the bytes already there. Returns
   * when the server has sent the whole body; the caller verifies size and checksum.
   */
  void download(HubRepository repo, String commit, HubFile file, Path partial)
      throws IOException, InterruptedException {
    URI uri = resolve(repo, commit, file);
    int failures = 0;
    long offset = Files.isRegularFile(partial) ? Files.size(partial) : 0;
    if (offset > file.size()) {
      offset = 0; // longer than the file can be: not a prefix of it
    }
    progress.fileStarted(file, offset);
    while (offset < file.size() || !Files.exists(partial)) {
      try {
        transfer(uri, repo, commit, file, partial, offset);
        return;
      } catch (FetchException e) {
        throw e;
      } catch (IOException e) {
        long reached = Files.isRegularFile(partial) ? Files.size(partial) : 0;
        // an attempt that got somewhere resets the count: a flaky link still finishes
        failures = reached > offset ? 1 : failures + 1;
        offset = reached;
        if (failures >= retry.attempts()) {
          throw new FetchException(
              file.path()
                  + ": download failed "
                  + failures
                  + " time(s) in a row ("
                  + HubHttp.describe(e)
                  + "); "
                  + ByteCount.format(reached)
                  + " of "
                  + ByteCount.format(file.size())
                  + " are kept in "
                  + partial
                  + ", run again to resume",
              e);
        }
        Duration wait = retry.backoff(failures);
        progress.note(
            file.path()
                + ": "
                + HubHttp.describe(e)
                + "; resuming at "
                + ByteCount.format(reached)
                + " in "
                + ByteCount.time(wait)
                + " (attempt "
                + (failures + 1)
                + " of "
                + retry.attempts()
                + ")");
        Thread.sleep(wait.toMillis());
      }
    }
  }

  /** One GET of the file from {@code offset} on, following redirects. */
  private void transfer(
      URI uri, HubRepository repo, String commit, HubFile file, Path partial, long offset)
      throws IOException, InterruptedException {
    AtomicReference<FileTransfer> current = new AtomicReference<>();
    BodyHandler<Long> handler =
        info -> {
          int status = info.statusCode();
          if (status != 200 && status != 206) {
            return BodySubscribers.replacing(-1L);
          }
          try {
            FileTransfer transfer =
                FileTransfer.open(partial, file.path(), start(info, file, offset), file.size());
            current.set(transfer);
            return transfer;
          } catch (IOException e) {
            return FileTransfer.rejecting(e);
          }
        };
    LongSupplier written =
        () -> {
          FileTransfer t = current.get();
          return t == null ? -1 : t.position();
        };
    Runnable report =
        () -> {
          FileTransfer t = current.get();
          if (t != null) {
            progress.transferred(file, t.position());
          }
        };
    HttpResponse<Long> response;
    try {
      response =
          http.send(
              "GET", uri, offset > 0 ? "bytes=" + offset + "-" : null, handler, written, report);
    } catch (IOException | InterruptedException e) {
      FileTransfer t = current.get();
      if (t != null) {
        t.abort(e instanceof IOException io ? io : new IOException("interrupted"));
      }
      throw e;
    }
    if (response.statusCode() == 416) {
      // the partial file is at least as long as the server's: not the file the listing describes
      Matcher m =
          UNSATISFIABLE_RANGE.matcher(response.headers().firstValue("Content-Range").orElse(""));
      Files.deleteIfExists(partial);
      throw m.matches()
          ? sizeMismatch(file, Long.parseLong(m.group(1)))
          : new FetchException(
              file.path() + ": the server has no bytes from " + offset + " on (HTTP 416)");
    }
    check(response, repo, commit, file.path());
    report.run();
  }

  /**
   * Where the body starts: 0 for a whole file (a server ignoring the Range starts over), the
   * Content-Range start for a partial one; fails when the server's size is not the listing's.
   */
  private static long start(HttpResponse.ResponseInfo info, HubFile file, long offset)
      throws FetchException {
    long total;
    long start;
    if (info.statusCode() == 206) {
      String range = info.headers().firstValue("Content-Range").orElse("");
      Matcher m = CONTENT_RANGE.matcher(range);
      if (!m.matches() || Long.parseLong(m.group(1)) != offset) {
        throw new FetchException(
            file.path()
                + ": asked for bytes from "
                + offset
                + " on, the server sent '"
                + range
                + "'");
      }
      start = offset;
      total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
    } else {
      start = 0;
      total = info.headers().firstValueAsLong("Content-Length").orElse(-1);
    }
    if (total >= 0 && total != file.size()) {
      throw sizeMismatch(file, total);
    }
    return start;
  }

  /** The error for a server whose file is not as long as the listing says. */
  static FetchException sizeMismatch(HubFile file, long actual) {
    return new FetchException(
        file.path()
            + ": the server has "
            + actual
            + " bytes, the Hub's listing says "
            + file.size()
            + " bytes (a proxy or mirror serving other content?)");
  }

  /** Throws for a response that is not a success: retried when transient, else explained. */
  private void check(HttpResponse<?> response, HubRepository repo, String revision, String file)
      throws IOException {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return;
    }
    HubRefusal refusal = HubRefusal.of(status, response.headers());
    if (refusal.worthRetrying()) {
      throw new IOException("the server answered HTTP " + status);
    }
    throw refusal.explain(repo, revision, file, access.hasToken(), access.endpoint().toString());
  }

  private URI resolve(HubRepository repo, String commit, HubFile file) {
    StringBuilder path = new StringBuilder();
    for (String part : file.path().split("/")) {
      path.append('/').append(segment(part));
    }
    return URI.create(
        access.endpoint()
            + "/"
            + segment(repo.org())
            + "/"
            + segment(repo.name())
            + "/resolve/"
            + segment(commit)
            + path);
  }

  /**
   * One percent-encoded path segment: a revision such as {@code refs/pr/1} must stay one segment,
   * as the Hub expects.
   */
  static String segment(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  @Override
  public void close() {
    http.close();
  }
}
