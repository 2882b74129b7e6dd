package dev.inference.nemotron.pod.fetch;

import java.net.http.HttpHeaders;

/**
 * A Hub response other than success or redirect, with the Hub's own diagnosis from its {@code
 * X-Error-Code} / {@code X-Error-Message} headers ({@code RepoNotFound}, {@code RevisionNotFound},
 * {@code EntryNotFound}, {@code GatedRepo}), turned into what the user should change.
 *
 * @param status the HTTP status
 * @param errorCode the Hub's error code, or empty
 * @param errorMessage the Hub's error message, or empty
 */
record HubRefusal(int status, String errorCode, String errorMessage) {

  static HubRefusal of(int status, HttpHeaders headers) {
    return new HubRefusal(
        status,
        headers.firstValue("X-Error-Code").orElse(""),
        headers.firstValue("X-Error-Message").orElse(""));
  }

  /** Server trouble or rate limiting, worth another try after a pause. */
  boolean worthRetrying() {
    return status >= 500 || status == 429 || status == 408;
  }

  /**
   * The error to report.
   *
   * @param file the file being downloaded, or null for the listing
   * @param hasToken whether a token was sent
   */
  FetchException explain(
      HubRepository repo, String revision, String file, boolean hasToken, String endpoint) {
    String hub = errorMessage.isEmpty() ? "" : " (the Hub says: " + errorMessage + ")";
    String what = file == null ? repo.id() : file + " of " + repo.id();
    if (status == 401 || status == 403) {
      if (!hasToken) {
        return new FetchException(
            "the Hub refused access to "
                + repo.id()
                + " (HTTP "
                + status
                + "): set HF_TOKEN from the secret named in spec.model.source.secretRef"
                + " (a private or gated model needs a token; a mistyped name looks the same)"
                + hub);
      }
      return new FetchException(
          "the Hub refused access to "
              + repo.id()
              + " (HTTP "
              + status
              + ") with the token in HF_TOKEN: check that the secret named in"
              + " spec.model.source.secretRef holds a valid token with read access, and that its"
              + " account accepted the model's license on the Hub (gated models)"
              + hub);
    }
    if (status == 404) {
      return new FetchException(
          switch (errorCode) {
                case "RevisionNotFound" ->
                    "revision '"
                        + revision
                        + "' not found in "
                        + repo.id()
                        + " (HTTP 404): check spec.model.source.revision (a branch, tag or commit)";
                case "RepoNotFound" ->
                    "repository "
                        + repo.id()
                        + " not found on "
                        + endpoint
                        + " (HTTP 404): check spec.model.source.uri";
                default ->
                    file == null
                        ? repo.id()
                            + " at revision '"
                            + revision
                            + "' not found on "
                            + endpoint
                            + " (HTTP 404): check spec.model.source.uri and revision"
                        : file
                            + " not found in "
                            + repo.id()
                            + " at revision '"
                            + revision
                            + "' (HTTP 404) although the listing names it; run again";
              }
              + hub);
    }
    return new FetchException(
        "the Hub answered HTTP "
            + status
            + " for "
            + what
            + " at revision '"
            + revision
            + "'"
            + hub);
  }
}
