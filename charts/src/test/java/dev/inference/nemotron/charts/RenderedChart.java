package dev.inference.nemotron.charts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The objects of a multi-document YAML stream, such as `helm template` output or a manifest. */
record RenderedChart(List<JsonNode> objects) {

  static final YAMLMapper YAML = new YAMLMapper();

  static RenderedChart parse(String yaml) {
    List<JsonNode> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        // comment-only documents (e.g. a template whose condition is false) parse as null
        if (document != null && !document.isNull() && !document.isMissingNode()) {
          objects.add(document);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("rendered YAML does not parse:\n" + yaml, e);
    }
    return new RenderedChart(List.copyOf(objects));
  }

  Set<String> kinds() {
    return objects.stream()
        .map(o -> o.path("kind").asText())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  List<JsonNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  JsonNode one(String kind) {
    List<JsonNode> matches = ofKind(kind);
    if (matches.size() != 1) {
      throw new NoSuchElementException(
          "expected one " + kind + ", found " + matches.size() + " among " + kinds());
    }
    return matches.getFirst();
  }

  JsonNode one(String kind, String namespace, String name) {
    return ofKind(kind).stream()
        .filter(o -> name.equals(o.path("metadata").path("name").asText()))
        .filter(o -> namespace.equals(o.path("metadata").path("namespace").asText()))
        .findFirst()
        .orElseThrow(
            () ->
                new NoSuchElementException(kind + " " + namespace + "/" + name + " not rendered"));
  }
}
