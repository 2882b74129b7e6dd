package dev.inference.nemotron.operator.dependent;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.operator.desired.DesiredServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The pods' ServiceAccount. */
@KubernetesDependent(informer = @Informer(labelSelector = ChildLabels.MANAGED))
public class ServiceAccountDependent
    extends CRUDKubernetesDependentResource<ServiceAccount, NemotronDiffusionDeployment> {

  @Override
  protected ServiceAccount desired(
      NemotronDiffusionDeployment primary, Context<NemotronDiffusionDeployment> context) {
    return DesiredServiceAccount.of(FleetContext.fleet(context));
  }
}
