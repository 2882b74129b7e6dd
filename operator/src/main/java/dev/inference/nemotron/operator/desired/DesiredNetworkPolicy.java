package dev.inference.nemotron.operator.desired;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may reach the fleet's port: pods of the same namespace that carry {@code
 * nemotron.inference.dev/client: <fleet name>} (clients opt in by label, so a namespace shared by
 * several teams does not expose every fleet to every pod), plus every pod of the operator's
 * namespace (the builtin autoscaler scrapes the pods) and of the configured scrape namespaces
 * (Prometheus). Egress is not restricted: the fetch step needs the model registry.
 */
public final class DesiredNetworkPolicy {

  private static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  private DesiredNetworkPolicy() {}

  public static NetworkPolicy of(Fleet fleet) {
    List<NetworkPolicyPeer> peers = new ArrayList<>();
    peers.add(
        new NetworkPolicyPeerBuilder()
            .withNewPodSelector()
            .withMatchLabels(Map.of(Fleet.CLIENT_LABEL, fleet.name()))
            .endPodSelector()
            .build());
    Set<String> scrapers = new LinkedHashSet<>();
    scrapers.add(fleet.settings().namespace());
    scrapers.addAll(fleet.settings().scrapeNamespaces().orElse(List.of()));
    for (String namespace : scrapers) {
      peers.add(
          new NetworkPolicyPeerBuilder()
              .withNewNamespaceSelector()
              .withMatchLabels(Map.of(NAMESPACE_NAME_LABEL, namespace))
              .endNamespaceSelector()
              .build());
    }
    return new NetworkPolicyBuilder()
        .withNewMetadata()
        .withName(fleet.name())
        .withNamespace(fleet.namespace())
        .withLabels(fleet.labels(Fleet.INFERENCE))
        .endMetadata()
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(fleet.selectorLabels())
        .endPodSelector()
        .withPolicyTypes("Ingress")
        .addNewIngress()
        .withFrom(peers)
        .addNewPort()
        .withProtocol("TCP")
        .withNewPort(Fleet.HTTP_PORT)
        .endPort()
        .endIngress()
        .endSpec()
        .build();
  }
}
