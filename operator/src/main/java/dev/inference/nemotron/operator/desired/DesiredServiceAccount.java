package dev.inference.nemotron.operator.desired;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;

/**
 * The pods' own identity, with no roles bound: the runtime needs no Kubernetes API access, and a
 * dedicated account keeps it from inheriting whatever the namespace's default account may do.
 */
public final class DesiredServiceAccount {

  private DesiredServiceAccount() {}

  public static ServiceAccount of(Fleet fleet) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(fleet.serviceAccountName())
        .withNamespace(fleet.namespace())
        .withLabels(fleet.labels(Fleet.INFERENCE))
        .endMetadata()
        .withAutomountServiceAccountToken(false)
        .build();
  }
}
