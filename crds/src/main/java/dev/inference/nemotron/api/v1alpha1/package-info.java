/**
 * Version {@code v1alpha1} of the {@code nemotron.inference.dev} API: the {@link
 * dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment} custom resource.
 *
 * <p>Each field's documentation is its {@code @JsonPropertyDescription}: that one text becomes the
 * CRD schema's {@code description} (what {@code kubectl explain ndd.spec...} prints), so it is not
 * repeated in Javadoc. Schema constraints (defaults, ranges, patterns, CEL rules) sit next to the
 * field they constrain. Java field initializers equal the schema defaults, so an object built in
 * Java reads the same as one the API server defaulted (a test checks this).
 *
 * <p>This package is only the API: no client calls and no reconcile logic.
 */
package dev.inference.nemotron.api.v1alpha1;
