package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Location of a checkpoint and the credentials to fetch it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.secretRef) || self.uri.startsWith('hf://') || self.uri.startsWith('s3://')"
            + " || self.uri.startsWith('oci://')",
    message =
        "model.source.secretRef is only used to download from hf://, s3:// or oci://;"
            + " pvc:// and file:// need no credentials: remove secretRef")
@ValidationRule(
    value = "!has(self.revision) || self.uri.startsWith('hf://')",
    message =
        "model.source.revision applies to hf:// repositories only; for oci:// put the tag or digest"
            + " in the uri")
@ValidationRule(
    value =
        "!self.uri.startsWith('file://') || self.uri.matches('"
            + ModelSource.FILE_BELOW_ROOT
            + "')",
    message =
        "model.source.uri file:// must name a directory below the node's root, e.g."
            + " file:///var/lib/ndd/models/<name>; the root / itself is refused")
@ValidationRule(
    value = "!self.uri.matches('" + ModelSource.DOT_SEGMENT + "')",
    message =
        "model.source.uri must not contain '.' or '..' path segments: a '..' reaches outside the"
            + " claim or directory the URI names; write the path without them")
@ValidationRule(
    value = "!self.uri.matches('" + ModelSource.CREDENTIALS + "')",
    message =
        "model.source.uri must not carry credentials (user:password@ before the first '/' after"
            + " the scheme): the URI is copied into ConfigMaps, container arguments and Events;"
            + " put credentials in the Secret named by secretRef")
public class ModelSource {

  /** The accepted URI schemes; the CRD's pattern and the operator's parser share it. */
  public static final String URI_PATTERN =
      "^(hf://[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*"
          + "|pvc://[a-z0-9]([-a-z0-9]*[a-z0-9])?(/[^\\s]*)?"
          + "|s3://[a-z0-9][a-z0-9.-]*[a-z0-9](/[^\\s]*)?"
          + "|oci://[^\\s/]+/[^\\s]+"
          + "|file:///[^\\s]*)$";

  /**
   * RE2 (and Java) regex a {@code file://} URI must contain: a path whose first segment is not
   * empty, so neither {@code file:///} nor {@code file:////...} (the node's root).
   */
  public static final String FILE_BELOW_ROOT = "^file:///[^/]";

  /** RE2 (and Java) regex found in a URI with a {@code .} or {@code ..} path segment. */
  public static final String DOT_SEGMENT = "/[.][.]?(/|$)";

  /**
   * RE2 (and Java) regex found in a URI with credentials: an {@code @} before the first {@code /}
   * after the scheme ({@code oci://user:token@registry/...}); a digest's {@code @} comes later.
   */
  public static final String CREDENTIALS = "^[a-z0-9]+://[^/]*@";

  @Required
  @Size(max = 2048)
  @Pattern(URI_PATTERN)
  @JsonPropertyDescription(
      "Checkpoint location: hf://<org>/<repo> (Hugging Face Hub), pvc://<claim>[/<path>] (a"
          + " PersistentVolumeClaim in this namespace) or file:///<path> (a directory already on"
          + " the node, below its root, for tests and single-node setups). s3://<bucket>[/<prefix>]"
          + " and oci://<registry>/<repository>[:<tag>|@<digest>] are reserved: the runtime's"
          + " download does not fetch them yet, so their download fails saying so. No '.' or '..'"
          + " path segments and no credentials in the URI: they belong in secretRef.")
  private String uri;

  @Size(min = 1, max = 255)
  @JsonPropertyDescription(
      "Git revision (branch, tag or commit) of an hf:// repository. Absent: main.")
  private String revision;

  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "Name of a Secret in this namespace with download credentials, exposed to the download as"
          + " environment variables: HF_TOKEN for hf://. (s3:// and oci:// downloads are not"
          + " implemented yet.)")
  private String secretRef;

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public String getRevision() {
    return revision;
  }

  public void setRevision(String revision) {
    this.revision = revision;
  }

  public String getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(String secretRef) {
    this.secretRef = secretRef;
  }
}
