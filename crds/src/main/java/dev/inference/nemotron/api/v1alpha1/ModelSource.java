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
public class ModelSource {

  /** The accepted URI schemes; the CRD's pattern and the operator's parser share it. */
  public static final String URI_PATTERN =
      "^(hf://[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*"
          + "|pvc://[a-z0-9]([-a-z0-9]*[a-z0-9])?(/[^\\s]*)?"
          + "|s3://[a-z0-9][a-z0-9.-]*[a-z0-9](/[^\\s]*)?"
          + "|oci://[^\\s/]+/[^\\s]+"
          + "|file:///[^\\s]*)$";

  @Required
  @Size(max = 2048)
  @Pattern(URI_PATTERN)
  @JsonPropertyDescription(
      "Checkpoint location: hf://<org>/<repo> (Hugging Face Hub), pvc://<claim>[/<path>] (a"
          + " PersistentVolumeClaim in this namespace), s3://<bucket>[/<prefix>],"
          + " oci://<registry>/<repository>[:<tag>|@<digest>] (an OCI artifact) or"
          + " file:///<path> (a path already on the node, for tests and single-node setups).")
  private String uri;

  @Size(min = 1, max = 255)
  @JsonPropertyDescription(
      "Git revision (branch, tag or commit) of an hf:// repository. Absent: main.")
  private String revision;

  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "Name of a Secret in this namespace with download credentials, exposed to the download as"
          + " environment variables: HF_TOKEN for hf://; AWS_ACCESS_KEY_ID and"
          + " AWS_SECRET_ACCESS_KEY for s3://; a .dockerconfigjson for oci://.")
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
