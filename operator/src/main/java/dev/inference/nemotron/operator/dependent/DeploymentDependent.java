package dev.inference.nemotron.operator.dependent;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.operator.desired.DesiredDeployment;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The inference pods. */
@KubernetesDependent(informer = @Informer(labelSelector = ChildLabels.MANAGED))
public class DeploymentDependent
    extends CRUDKubernetesDependentResource<Deployment, NemotronDiffusionDeployment> {

  @Override
  protected Deployment desired(
      NemotronDiffusionDeployment primary, Context<NemotronDiffusionDeployment> context) {
    return DesiredDeployment.of(FleetContext.fleet(context));
  }
}
