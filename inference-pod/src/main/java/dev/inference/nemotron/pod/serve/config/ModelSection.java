package dev.inference.nemotron.pod.serve.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code model} in runtime.yaml: which checkpoint to serve and where its files are.
 *
 * @param size {@code 3B}, {@code 8B} or {@code 14B}, as the resource names it (the checkpoint's
 *     config.json is the truth about shapes; this labels metrics and {@code /v1/models})
 * @param variant {@code base} or {@code instruct}
 * @param path the directory holding config.json, the safetensors and the tokenizer
 * @param source where the files came from (e.g. an {@code hf://} URI), for display
 * @param revision the source revision, for display
 * @param servedName the model name clients send ({@code model} in requests, {@code GET
 *     /v1/models}); the operator writes the resource's name; empty: the directory's name
 * @param draftAdapter the folder inside {@code path} with the self-speculation LoRA, e.g. {@code
 *     linear_spec_lora}
 */
public record ModelSection(
    Optional<String> size,
    Optional<String> variant,
    Path path,
    Optional<String> source,
    Optional<String> revision,
    Optional<String> draftAdapter,
    Optional<String> servedName) {

  /** The sizes the resource allows. */
  public static final List<String> SIZES = List.of("3B", "8B", "14B");

  /** The variants the resource allows. */
  public static final List<String> VARIANTS = List.of("base", "instruct");

  /** Checks the size, variant and that the adapter stays inside the model directory. */
  public ModelSection {
    Objects.requireNonNull(size, "size");
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(revision, "revision");
    Objects.requireNonNull(draftAdapter, "draftAdapter");
    Objects.requireNonNull(servedName, "servedName");
    servedName.ifPresent(
        n -> {
          if (n.isBlank() || n.length() > 256 || !n.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(
                "servedName must be 1 to 256 printable ASCII characters without spaces, got '"
                    + n
                    + "'");
          }
        });
    size.ifPresent(s -> requireOneOf("size", s, SIZES));
    variant.ifPresent(v -> requireOneOf("variant", v, VARIANTS));
    draftAdapter.ifPresent(
        a -> {
          Path adapter = Path.of(a);
          if (a.isBlank() || adapter.isAbsolute() || adapter.normalize().startsWith("..")) {
            throw new IllegalArgumentException(
                "draftAdapter must be a folder inside the model directory, e.g."
                    + " linear_spec_lora, got '"
                    + a
                    + "'");
          }
        });
  }

  /** Only a model directory: what {@code ndd serve --model DIR} knows. */
  public static ModelSection at(Path path) {
    return new ModelSection(
        Optional.empty(),
        Optional.empty(),
        path,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /** The name clients use for this model: {@link #servedName}, else the directory's name. */
  public String name() {
    return servedName.orElseGet(() -> path.getFileName().toString());
  }

  /** The adapter's directory, when one is named. */
  public Optional<Path> draftAdapterDir() {
    return draftAdapter.map(path::resolve);
  }

  private static void requireOneOf(String key, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw new IllegalArgumentException(
          key + " must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
    }
  }
}
