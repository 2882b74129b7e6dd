package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A fleet of Nemotron-Labs-Diffusion inference pods serving one model behind an OpenAI-compatible
 * endpoint, scaled on tokens per forward and latency.
 */
@Group(NemotronDiffusionDeployment.GROUP)
@Version(NemotronDiffusionDeployment.VERSION)
@Kind(NemotronDiffusionDeployment.KIND)
@Plural(NemotronDiffusionDeployment.PLURAL)
@Singular("nemotrondiffusiondeployment")
@ShortNames("ndd")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
    value =
        "size(self.metadata.name) <= "
            + NemotronDiffusionDeployment.MAX_NAME_LENGTH
            + " && self.metadata.name.matches('"
            + NemotronDiffusionDeployment.NAME_PATTERN
            + "')",
    message =
        "metadata.name must be a DNS-1035 label of at most 46 characters (lowercase letters,"
            + " digits and '-', starting with a letter and ending with a letter or digit): the"
            + " operator names the Service after it and the weight-fetch Job after it plus"
            + " '-fetch-' and a 10-character hash, which must stay within 63 characters")
public class NemotronDiffusionDeployment
    extends CustomResource<NemotronDiffusionDeploymentSpec, NemotronDiffusionDeploymentStatus>
    implements Namespaced {

  /** API group of the resource. */
  public static final String GROUP = "nemotron.inference.dev";

  /** API version of this package. */
  public static final String VERSION = "v1alpha1";

  /** Kind of the resource. */
  public static final String KIND = "NemotronDiffusionDeployment";

  /** Plural resource name, as in the REST path and the CRD name. */
  public static final String PLURAL = "nemotrondiffusiondeployments";

  /** Name of the CustomResourceDefinition: {@code <plural>.<group>}. */
  public static final String CRD_NAME = PLURAL + "." + GROUP;

  /**
   * Longest {@code metadata.name}: the operator names the weight-fetch Job {@code <name>-fetch-<10
   * hex digits>} (17 characters more), and a Job name becomes the value of its pods' {@code
   * job-name} label, at most 63 characters.
   */
  public static final int MAX_NAME_LENGTH = 46;

  /**
   * A DNS-1035 label: the operator names the Service (and the Deployment, ConfigMap, PVC...) after
   * the resource, and Service names must start with a letter.
   */
  public static final String NAME_PATTERN = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

  // Overridden only to carry the descriptions that kubectl explain shows for spec and status.
  @Override
  @JsonPropertyDescription(
      "Desired state: the model and how to serve it (quantization, GPU class, context and"
          + " concurrency), decoding modes, tenants, scaling and pod overrides. Written by users;"
          + " the operator only reads it.")
  public NemotronDiffusionDeploymentSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription(
      "Observed state, written only by the operator: conditions, replicas, the endpoint, the"
          + " last measured metrics and scaling decision, and the memory sizing per replica.")
  public NemotronDiffusionDeploymentStatus getStatus() {
    return super.getStatus();
  }
}
