package dev.inference.nemotron.api.v1alpha1;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;

/**
 * Makes a conditions property of the generated schema a list map keyed by {@code type}, so that
 * server-side apply merges conditions by type instead of replacing the whole list. The generator's
 * annotations cannot say this, and its merge-patch customizer replaces nested maps whole, hence
 * this customizer; only the CRD generator (build time) loads it.
 */
public final class ConditionListSchema implements SchemaCustomizer.Customizer {

  /**
   * @param object the schema of the class carrying the annotation
   * @param property the name of its conditions property (the annotation's input)
   */
  @Override
  public JSONSchemaProps apply(
      JSONSchemaProps object, String property, KubernetesSerialization serialization) {
    JSONSchemaProps conditions = object.getProperties().get(property);
    if (conditions == null || conditions.getItems() == null) {
      throw new IllegalStateException(
          "no list property '" + property + "' to key by type in " + object.getProperties());
    }
    conditions.setXKubernetesListType("map");
    conditions.setXKubernetesListMapKeys(List.of("type"));
    // The API server refuses a map key that is neither required nor defaulted.
    conditions.getItems().getSchema().setRequired(List.of("type", "status"));
    return object;
  }
}
