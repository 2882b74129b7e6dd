package dev.inference.nemotron.operator.desired;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/** The ClusterIP Service in front of the fleet: the endpoint in {@code status.endpoint}. */
public final class DesiredService {

  /** Component label of the Service (the ServiceMonitor selects it by its labels). */
  public static final String COMPONENT = Fleet.INFERENCE;

  private DesiredService() {}

  public static Service of(Fleet fleet) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(fleet.serviceName())
        .withNamespace(fleet.namespace())
        .withLabels(fleet.labels(COMPONENT))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(fleet.selectorLabels())
        .addNewPort()
        .withName(Fleet.HTTP_PORT_NAME)
        .withPort(Fleet.HTTP_PORT)
        .withNewTargetPort(Fleet.HTTP_PORT_NAME)
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }
}
