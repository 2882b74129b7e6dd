package dev.inference.nemotron.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
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
}
