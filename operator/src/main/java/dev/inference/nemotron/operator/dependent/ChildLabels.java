package dev.inference.nemotron.operator.dependent;

/** Label selectors of the informers: they cache only the operator's own children. */
final class ChildLabels {

  static final String MANAGED = "app.kubernetes.io/managed-by=nemotron-operator";

  private ChildLabels() {}
}
