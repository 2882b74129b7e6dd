package dev.inference.nemotron.operator.desired;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/** The ClusterIP Service in front of the fleet: the endpoint in {@code status.endpoint}. */
public final class DesiredService {

  private DesiredService() {}

  public static Service of(Fleet fleet) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(fleet.serviceName())
        .withNamespace(fleet.namespace())
        .withLabels(fleet.labels("inference"))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(fleet.selectorLabels())
        .addNewPort()
        .withName("http")
        .withPort(Fleet.HTTP_PORT)
        .withNewTargetPort("http")
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }
}
