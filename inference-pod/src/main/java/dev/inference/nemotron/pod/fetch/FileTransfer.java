package dev.inference.nemotron.pod.fetch;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a response body into a partial file as it arrives, from byte {@code start} on, so that
 * whatever came in before a connection broke stays on disk for the next Range request. It never
 * writes past the size the listing announced: a server sending more is stopped at once instead of
 * filling the volume.
 *
 * <p>The HTTP client's threads call the {@link Flow.Subscriber} methods; the downloading thread
 * reads {@link #position()} for progress and may {@link #abort} a stalled transfer, hence the
 * synchronization around the channel.
 */
final class FileTransfer implements HttpResponse.BodySubscriber<Long> {
  private final Path file;
  private final String name;
  private final long limit;
  private final FileChannel channel;
  private final AtomicLong position;
  private final CompletableFuture<Long> result = new CompletableFuture<>();
  private Flow.Subscription subscription;
  private boolean closed;

  private FileTransfer(Path file, String name, long limit, FileChannel channel, long start) {
    this.file = file;
    this.name = name;
    this.limit = limit;
    this.channel = channel;
    this.position = new AtomicLong(start);
  }

  /**
   * Opens {@code file} to write from byte {@code start} on (dropping anything after it).
   *
   * @param name the repository path, for messages
   * @param limit the size the file must have when complete
   * @throws FetchException when the file cannot be opened (permission, missing volume)
   */
  static FileTransfer open(Path file, String name, long start, long limit) throws FetchException {
    try {
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        channel.truncate(start);
        channel.position(start);
      } catch (IOException e) {
        channel.close();
        throw e;
      }
      return new FileTransfer(file, name, limit, channel, start);
    } catch (IOException e) {
      throw StagingDirectory.writeFailure(file, e);
    }
  }

  /** A body that is not written anywhere: the download fails with {@code reason} at once. */
  static HttpResponse.BodySubscriber<Long> rejecting(IOException reason) {
    return new HttpResponse.BodySubscriber<>() {
      private final CompletableFuture<Long> failed = CompletableFuture.failedFuture(reason);

      @Override
      public CompletionStage<Long> getBody() {
        return failed;
      }

      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscription.cancel();
      }

      @Override
      public void onNext(List<ByteBuffer> item) {}

      @Override
      public void onError(Throwable throwable) {}

      @Override
      public void onComplete() {}
    };
  }

  /** Bytes of the file on disk so far (the start offset included). */
  long position() {
    return position.get();
  }

  @Override
  public CompletionStage<Long> getBody() {
    return result;
  }

  @Override
  public synchronized void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (closed) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    synchronized (this) {
      if (closed) {
        return;
      }
      try {
        for (ByteBuffer buffer : buffers) {
          if (position.get() + buffer.remaining() > limit) {
            fail(
                new FetchException(
                    name
                        + ": the server sends more than the "
                        + limit
                        + " bytes the Hub's listing gives for it (a proxy or mirror serving other"
                        + " content?)"));
            return;
          }
          while (buffer.hasRemaining()) {
            position.addAndGet(channel.write(buffer));
          }
        }
      } catch (IOException e) {
        fail(StagingDirectory.writeFailure(file, e));
        return;
      }
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable error) {
    synchronized (this) {
      close();
    }
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    synchronized (this) {
      if (closed) {
        return;
      }
      try {
        // the completion marker must never be written over bytes still in the page cache only
        channel.force(false);
        close();
      } catch (IOException e) {
        fail(StagingDirectory.writeFailure(file, e));
        return;
      }
    }
    result.complete(position.get());
  }

  /** Stops the transfer (a stalled connection): keeps what was written, fails with {@code why}. */
  synchronized void abort(IOException why) {
    fail(why);
  }

  /** Closes the file, cancels the body and fails with {@code why}; the caller holds the lock. */
  private void fail(IOException why) {
    close();
    if (subscription != null) {
      subscription.cancel();
    }
    result.completeExceptionally(why);
  }

  private void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      // nothing more to write; the size check after the transfer catches a short file
    }
  }
}
