package dev.inference.nemotron.operator.dependent;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.operator.desired.DesiredServiceMonitor;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GenericKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The Prometheus Operator ServiceMonitor, as a generic resource. */
@KubernetesDependent(informer = @Informer(labelSelector = ChildLabels.MANAGED))
public class ServiceMonitorDependent
    extends GenericKubernetesDependentResource<NemotronDiffusionDeployment>
    implements Creator<GenericKubernetesResource, NemotronDiffusionDeployment>,
        Updater<GenericKubernetesResource, NemotronDiffusionDeployment>,
        GarbageCollected<NemotronDiffusionDeployment> {

  public ServiceMonitorDependent() {
    super(
        new GroupVersionKind(
            DesiredServiceMonitor.GROUP,
            DesiredServiceMonitor.VERSION,
            DesiredServiceMonitor.KIND));
  }

  @Override
  protected GenericKubernetesResource desired(
      NemotronDiffusionDeployment primary, Context<NemotronDiffusionDeployment> context) {
    return DesiredServiceMonitor.of(FleetContext.fleet(context));
  }
}
