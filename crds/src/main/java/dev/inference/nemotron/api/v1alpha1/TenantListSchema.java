package dev.inference.nemotron.api.v1alpha1;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;

/**
 * Makes the tenants property a list map keyed by {@code name}, so that server-side apply merges
 * tenants by name: two managers may each own their tenants, and an apply of one tenant does not
 * replace the others. Like {@link ConditionListSchema}, since the generator's annotations cannot
 * say this; the key is already required by {@link TenantSpec}.
 */
public final class TenantListSchema implements SchemaCustomizer.Customizer {

  /**
   * @param object the schema of the class carrying the annotation
   * @param property the name of its tenants property (the annotation's input)
   */
  @Override
  public JSONSchemaProps apply(
      JSONSchemaProps object, String property, KubernetesSerialization serialization) {
    JSONSchemaProps tenants = object.getProperties().get(property);
    if (tenants == null
        || tenants.getItems() == null
        || !tenants.getItems().getSchema().getRequired().contains("name")) {
      throw new IllegalStateException(
          "no list property '" + property + "' with a required name in " + object.getProperties());
    }
    tenants.setXKubernetesListType("map");
    tenants.setXKubernetesListMapKeys(List.of("name"));
    return object;
  }
}
