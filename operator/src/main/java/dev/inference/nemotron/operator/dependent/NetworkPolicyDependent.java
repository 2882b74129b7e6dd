package dev.inference.nemotron.operator.dependent;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.operator.desired.DesiredNetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Ingress limited to labelled clients and the scrapers. */
@KubernetesDependent(informer = @Informer(labelSelector = ChildLabels.MANAGED))
public class NetworkPolicyDependent
    extends CRUDKubernetesDependentResource<NetworkPolicy, NemotronDiffusionDeployment> {

  @Override
  protected NetworkPolicy desired(
      NemotronDiffusionDeployment primary, Context<NemotronDiffusionDeployment> context) {
    return DesiredNetworkPolicy.of(FleetContext.fleet(context));
  }
}
