package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * The API's Java classes side by side with the schema nodes generated from them, so that tests can
 * check each class against its own part of the schema.
 */
final class ApiTypeTree {

  /** A Java field and the schema of the property it became. */
  record Property(String path, Field field, Class<?> elementType, JsonNode schema) {

    /** Types of the core Kubernetes model (Toleration, Condition...), documented upstream. */
    boolean isKubernetesModelType() {
      return elementType.getPackageName().startsWith("io.fabric8.kubernetes.api.model");
    }

    /** Classes of this package, whose fields are our own API. */
    boolean isApiObject() {
      return elementType.getPackageName().equals(ApiTypeTree.class.getPackageName())
          && !elementType.isEnum();
    }
  }

  /** A class of this package and the schema of the object it became. */
  record ApiObject(String path, Class<?> type, JsonNode schema) {}

  private ApiTypeTree() {}

  /** Spec and status classes with their schemas, depth first from the root. */
  static List<ApiObject> objects(JsonNode rootSchema) {
    List<ApiObject> objects = new ArrayList<>();
    JsonNode properties = rootSchema.path("properties");
    walk(".spec", NemotronDiffusionDeploymentSpec.class, properties.path("spec"), objects, null);
    walk(
        ".status",
        NemotronDiffusionDeploymentStatus.class,
        properties.path("status"),
        objects,
        null);
    return objects;
  }

  /** Every field of every API class with its property schema. */
  static List<Property> properties(JsonNode rootSchema) {
    List<Property> properties = new ArrayList<>();
    JsonNode root = rootSchema.path("properties");
    walk(".spec", NemotronDiffusionDeploymentSpec.class, root.path("spec"), null, properties);
    walk(".status", NemotronDiffusionDeploymentStatus.class, root.path("status"), null, properties);
    return properties;
  }

  private static void walk(
      String path,
      Class<?> type,
      JsonNode schema,
      List<ApiObject> objects,
      List<Property> properties) {
    if (objects != null) {
      objects.add(new ApiObject(path, type, schema));
    }
    for (Field field : type.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      String name = jsonName(field);
      String fieldPath = path + "." + name;
      JsonNode propertySchema = schema.path("properties").path(name);
      Class<?> elementType = elementType(field.getGenericType());
      JsonNode elementSchema = propertySchema;
      if (List.class.isAssignableFrom(field.getType())) {
        elementSchema = propertySchema.path("items");
        fieldPath += "[*]";
      }
      Property property = new Property(path + "." + name, field, elementType, propertySchema);
      if (properties != null) {
        properties.add(property);
      }
      if (property.isApiObject()) {
        walk(fieldPath, elementType, elementSchema, objects, properties);
      }
    }
  }

  static String jsonName(Field field) {
    JsonProperty renamed = field.getAnnotation(JsonProperty.class);
    return renamed != null && !renamed.value().isEmpty() ? renamed.value() : field.getName();
  }

  /** The class of a field, or of a list's elements. */
  private static Class<?> elementType(Type type) {
    if (type instanceof ParameterizedType parameterized) {
      Type[] arguments = parameterized.getActualTypeArguments();
      Type element = List.class.equals(parameterized.getRawType()) ? arguments[0] : type;
      return element instanceof ParameterizedType p
          ? (Class<?>) p.getRawType()
          : element instanceof Class<?> c ? c : Object.class;
    }
    return (Class<?>) type;
  }
}
