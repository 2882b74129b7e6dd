package dev.inference.nemotron.operator.config;

import dev.inference.nemotron.operator.sizing.GpuClass;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the pods of one GPU class (or of every class, {@code *}) pick their nodes: one entry of
 * {@link OperatorSettings#gpuPlacement()}, written {@code CLASS=PLACEMENT}, where PLACEMENT is
 *
 * <ul>
 *   <li>{@code product-label}: a required node affinity on GPU Feature Discovery's {@code
 *       nvidia.com/gpu.product} label, with the operator's known spellings of the class;
 *   <li>{@code resource-only}: no affinity, the {@code nvidia.com/gpu} resource request alone (the
 *       NVIDIA device plugin then places pods on any node with free GPUs; for clusters without GPU
 *       Feature Discovery, or with one GPU model);
 *   <li>product label values separated by {@code |}, e.g. {@code NVIDIA-H100-80GB-HBM3|MY-H100}:
 *       the affinity on exactly these values.
 * </ul>
 *
 * A class without an entry follows the {@code *} entry, and without that {@code product-label}.
 * SmallRye Config converts each entry with {@link Converter}, so a malformed setting stops the
 * operator at start with a message naming the setting, the entry and what is accepted.
 */
public record GpuPlacement(String gpuClass, Kind kind, List<String> productLabels) {

  /** Reads an entry for SmallRye Config; its message reaches the start-up error. */
  public static final class Converter
      implements org.eclipse.microprofile.config.spi.Converter<GpuPlacement> {
    @Override
    public GpuPlacement convert(String value) {
      return valueOf(value);
    }
  }

  /** The key of the entry that applies to every class without one of its own. */
  public static final String EVERY_CLASS = "*";

  /** What {@link #productLabels} means. */
  public enum Kind {
    /** The class's known product label spellings ({@link GpuClass#productLabels()}). */
    PRODUCT_LABEL,
    /** No node affinity. */
    RESOURCE_ONLY,
    /** The listed product label values. */
    LISTED_LABELS
  }

  /** Where no entry applies: the product-label affinity. */
  public static final GpuPlacement DEFAULT =
      new GpuPlacement(EVERY_CLASS, Kind.PRODUCT_LABEL, List.of());

  // a Kubernetes label value
  private static final Pattern LABEL_VALUE =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

  /**
   * Parses one entry, e.g. {@code H100=resource-only}, {@code *=resource-only} or {@code
   * L4=NVIDIA-L4|NVIDIA-L4-24GB}.
   *
   * @throws IllegalArgumentException naming what is wrong and what is accepted
   */
  public static GpuPlacement valueOf(String entry) {
    int equals = entry.indexOf('=');
    if (equals < 0) {
      throw new IllegalArgumentException(
          "gpu placement entry \"%s\" is not CLASS=PLACEMENT (e.g. H100=resource-only)"
              .formatted(entry));
    }
    String key = entry.substring(0, equals).strip();
    String value = entry.substring(equals + 1).strip();
    String gpuClass = key.equals(EVERY_CLASS) ? EVERY_CLASS : acceleratorClass(key, entry);
    return switch (value) {
      case "product-label" -> new GpuPlacement(gpuClass, Kind.PRODUCT_LABEL, List.of());
      case "resource-only" -> new GpuPlacement(gpuClass, Kind.RESOURCE_ONLY, List.of());
      default -> new GpuPlacement(gpuClass, Kind.LISTED_LABELS, labels(value, entry));
    };
  }

  /** The entry that applies to {@code gpuClass}: its own, else {@code *}, else {@link #DEFAULT}. */
  public static GpuPlacement of(GpuClass gpuClass, List<GpuPlacement> entries) {
    Optional<GpuPlacement> own =
        entries.stream().filter(e -> e.gpuClass.equals(gpuClass.specName())).findFirst();
    return own.or(() -> entries.stream().filter(e -> e.gpuClass.equals(EVERY_CLASS)).findFirst())
        .orElse(DEFAULT);
  }

  /**
   * Values of {@code nvidia.com/gpu.product} a node of {@code gpuClass} must carry; empty when any
   * node with free GPUs will do.
   */
  public List<String> nodeLabels(GpuClass gpuClass) {
    return switch (kind) {
      case PRODUCT_LABEL -> gpuClass.productLabels();
      case RESOURCE_ONLY -> List.of();
      case LISTED_LABELS -> productLabels;
    };
  }

  private static String acceleratorClass(String key, String entry) {
    GpuClass gpuClass =
        GpuClass.fromSpecName(key)
            .filter(GpuClass::isAccelerator)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "gpu placement entry \"%s\": \"%s\" is not a GPU class; use * or one of %s"
                            .formatted(entry, key, acceleratorNames())));
    return gpuClass.specName();
  }

  private static List<String> labels(String value, String entry) {
    List<String> labels = Arrays.stream(value.split("\\|", -1)).map(String::strip).toList();
    for (String label : labels) {
      if (label.equals("product-label") || label.equals("resource-only")) {
        throw new IllegalArgumentException(
            "gpu placement entry \"%s\": \"%s\" stands alone, not among product labels"
                .formatted(entry, label));
      }
      if (!LABEL_VALUE.matcher(label).matches()) {
        throw new IllegalArgumentException(
            ("gpu placement entry \"%s\": \"%s\" is neither product-label, resource-only nor a"
                    + " label value (letters, digits, - _ . ; at most 63) of nvidia.com/gpu.product")
                .formatted(entry, label));
      }
    }
    return labels;
  }

  private static String acceleratorNames() {
    return String.join(
        ", ",
        Arrays.stream(GpuClass.values())
            .filter(GpuClass::isAccelerator)
            .map(GpuClass::specName)
            .toList());
  }

  /** The entry as written in the setting. */
  @Override
  public String toString() {
    String placement =
        switch (kind) {
          case PRODUCT_LABEL -> "product-label";
          case RESOURCE_ONLY -> "resource-only";
          case LISTED_LABELS -> String.join("|", productLabels);
        };
    return gpuClass + "=" + placement;
  }
}
