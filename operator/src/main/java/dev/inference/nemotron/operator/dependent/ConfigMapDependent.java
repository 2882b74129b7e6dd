package dev.inference.nemotron.operator.dependent;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.operator.desired.DesiredConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The runtime configuration. */
@KubernetesDependent(informer = @Informer(labelSelector = ChildLabels.MANAGED))
public class ConfigMapDependent
    extends CRUDKubernetesDependentResource<ConfigMap, NemotronDiffusionDeployment> {

  @Override
  protected ConfigMap desired(
      NemotronDiffusionDeployment primary, Context<NemotronDiffusionDeployment> context) {
    return DesiredConfigMap.of(FleetContext.fleet(context));
  }
}
