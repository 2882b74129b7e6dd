package dev.inference.nemotron.pod.fetch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Downloads the files of a Hub checkpoint that the runtime reads into a model directory: listed at
 * the revision's commit, each resumed into {@code DIR/.partial/} and verified (size, SHA-256 when
 * listed), all moved into place only when all are complete, and {@code DIR/.complete} written last
 * ({@link CompletionMarker}). Run again after any failure, it continues where it stopped; run again
 * after success, it returns at once.
 */
public final class HubFetch {

  /**
   * What a fetch did.
   *
   * @param alreadyComplete true when the directory already held this source and revision
   * @param contents the completion marker's contents
   * @param took how long this fetch ran
   */
  public record Result(
      boolean alreadyComplete, CompletionMarker.Contents contents, Duration took) {}

  private final HubAccess access;
  private final RetryPolicy retry;
  private final DownloadProgress progress;

  /**
   * @param access the Hub's endpoint and token
   * @param retry how network failures are retried
   * @param progress where progress and notes go
   */
  public HubFetch(HubAccess access, RetryPolicy retry, DownloadProgress progress) {
    this.access = access;
    this.retry = retry;
    this.progress = progress;
  }

  /**
   * Fetches {@code source} (an {@code hf://} source) at {@code revision} into {@code into}.
   *
   * @throws FetchException for a failure to fix (access, not found, mismatch, disk); its message
   *     says what to change
   * @throws IOException when the network keeps failing after the retries
   */
  public Result fetch(FetchSource source, String revision, Path into)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    Optional<CompletionMarker.Contents> marker = CompletionMarker.read(into);
    if (marker.isPresent() && marker.get().matches(source.uri(), revision)) {
      return new Result(true, marker.get(), Duration.ZERO);
    }
    HubRepository repo = source.hubRepository();
    try {
      Files.createDirectories(into);
    } catch (IOException e) {
      throw StagingDirectory.writeFailure(into, e);
    }
    if (CompletionMarker.isComplete(into)) {
      // the files are about to be replaced: no replica may take them for complete meanwhile
      progress.note(
          into
              + " holds another download"
              + marker.map(m -> " (" + m.source() + " at revision " + m.revision() + ")").orElse("")
              + "; replacing it");
      CompletionMarker.remove(into);
    }
    try (HubClient hub = new HubClient(access, retry, progress)) {
      HubListing listing = hub.listing(repo, revision);
      List<HubFile> files = sized(hub, repo, listing, select(listing, repo, revision));
      StagingDirectory staging = new StagingDirectory(into);
      staging.prepare(listing.commit());
      long total = 0;
      long present = 0;
      for (HubFile f : files) {
        total += f.size();
        present += Math.min(f.size(), staging.partialSize(f));
      }
      staging.requireSpace(total - present, source.uri() + " at revision '" + revision + "'");
      progress.note(
          "fetching "
              + files.size()
              + " files ("
              + ByteCount.format(total)
              + ") of "
              + source.uri()
              + " at revision '"
              + revision
              + "' (commit "
              + listing.commit()
              + ") into "
              + into
              + (present > 0 ? ", " + ByteCount.format(present) + " already downloaded" : ""));
      progress.planned(files.size(), total);
      List<HubFile> toPromote = new ArrayList<>();
      for (HubFile f : files) {
        Path partial = staging.partial(f);
        if (!Files.exists(partial) && alreadyInPlace(staging.target(f), f)) {
          progress.fileStarted(f, f.size());
          progress.fileFinished(f);
          continue;
        }
        hub.download(repo, listing.commit(), f, partial);
        verify(f, partial);
        progress.fileFinished(f);
        toPromote.add(f);
      }
      staging.promote(toPromote);
      CompletionMarker.Contents contents =
          new CompletionMarker.Contents(
              source.uri(), revision, listing.commit(), files.size(), total, Instant.now());
      CompletionMarker.write(into, contents);
      progress.finished();
      return new Result(false, contents, Duration.ofNanos(System.nanoTime() - start));
    }
  }

  /** The files the runtime reads, failing when they cannot make a checkpoint. */
  private List<HubFile> select(HubListing listing, HubRepository repo, String revision)
      throws FetchException {
    List<HubFile> needed = RuntimeFiles.select(listing.files());
    Set<String> names = new HashSet<>();
    needed.forEach(f -> names.add(f.path()));
    String where = repo.id() + " at revision '" + revision + "'";
    if (!names.contains("config.json")) {
      throw new FetchException(
          where
              + " has no config.json: not a checkpoint this runtime can serve; check spec.model.source");
    }
    if (needed.stream()
        .noneMatch(f -> f.path().endsWith(".safetensors") && f.path().indexOf('/') < 0)) {
      throw new FetchException(
          where
              + " has no *.safetensors weights: this runtime reads safetensors only (not .bin or"
              + " .gguf); choose a repository or revision that has them");
    }
    List<String> skipped =
        listing.files().stream().map(HubFile::path).filter(p -> !names.contains(p)).toList();
    if (!skipped.isEmpty()) {
      progress.note(
          "skipping "
              + skipped.size()
              + " file(s) the runtime does not read: "
              + String.join(", ", skipped.subList(0, Math.min(6, skipped.size())))
              + (skipped.size() > 6 ? ", ..." : ""));
    }
    return needed;
  }

  /** The files with every size known, asking the Hub where the listing gave none. */
  private static List<HubFile> sized(
      HubClient hub, HubRepository repo, HubListing listing, List<HubFile> files)
      throws IOException, InterruptedException {
    List<HubFile> out = new ArrayList<>();
    for (HubFile f : files) {
      out.add(
          f.size() == HubFile.UNKNOWN_SIZE ? f.withSize(hub.size(repo, listing.commit(), f)) : f);
    }
    return out;
  }

  /**
   * Whether a previous run already moved {@code file} into place (and then stopped before the
   * marker): trusted only when its SHA-256 is listed and matches, since a file of the same size may
   * be another revision's.
   */
  private boolean alreadyInPlace(Path target, HubFile file) throws IOException {
    if (file.sha256() == null
        || !Files.isRegularFile(target)
        || Files.size(target) != file.size()) {
      return false;
    }
    progress.note(file.path() + ": already in " + target.getParent() + ", verifying its SHA-256");
    return FileDigest.sha256(target).equalsIgnoreCase(file.sha256());
  }

  /**
   * Size and checksum against the listing; a file that fails is deleted, so the next run downloads
   * it afresh rather than resuming a corrupt prefix.
   */
  private static void verify(HubFile file, Path partial) throws IOException {
    long size = Files.size(partial);
    if (size != file.size()) {
      Files.delete(partial);
      throw new FetchException(
          file.path()
              + ": downloaded "
              + size
              + " bytes, the Hub's listing says "
              + file.size()
              + " bytes (a proxy or mirror serving other content?)");
    }
    if (file.sha256() != null) {
      String actual = FileDigest.sha256(partial);
      if (!actual.equalsIgnoreCase(file.sha256())) {
        Files.delete(partial);
        throw new FetchException(
            file.path()
                + ": SHA-256 "
                + actual
                + " does not match the Hub's listing ("
                + file.sha256()
                + "); the corrupt download was deleted, run again");
      }
    }
  }
}
