package dev.inference.nemotron.operator.spec;

import dev.inference.nemotron.api.v1alpha1.GpuClass;
import dev.inference.nemotron.api.v1alpha1.ModeMix;
import dev.inference.nemotron.api.v1alpha1.ModelSpec;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentSpec;
import dev.inference.nemotron.api.v1alpha1.PodTemplateOverrides;
import dev.inference.nemotron.api.v1alpha1.Quantization;
import dev.inference.nemotron.api.v1alpha1.ScalingSpec;
import dev.inference.nemotron.api.v1alpha1.TenantSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The spec rules the operator relies on, checked again in the operator: the CRD's schema and CEL
 * rules hold them on a real API server, but an older CRD, a disabled validation or a test server
 * may let a bad spec through, and a bad spec must become a condition, not a crash.
 */
public final class SpecValidation {

  private SpecValidation() {}

  /**
   * Every problem of {@code spec}, each naming its field and what is expected; empty if valid.
   *
   * @param hostPaths where {@code file://} sources may point
   */
  public static List<String> problems(
      NemotronDiffusionDeploymentSpec spec, HostPathPolicy hostPaths) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      problems.add("spec is missing: set spec.model, spec.gpu and the other fields");
      return problems;
    }
    checkModel(spec.getModel(), hostPaths, problems);
    if (spec.getQuantization() == null) {
      problems.add("spec.quantization is missing: choose bf16, fp8, int8 or int4");
    }
    checkGpu(spec, problems);
    atLeast("spec.maxContextLength", spec.getMaxContextLength(), 256, problems);
    atLeast("spec.maxConcurrentSequences", spec.getMaxConcurrentSequences(), 1, problems);
    if (spec.getModes() != null) {
      checkMix(spec.getModes().getMix(), problems);
      if (spec.getModes().getSelfSpeculation() != null
          && spec.getModes().getSelfSpeculation().getVariant() == null) {
        problems.add("spec.modes.selfSpeculation.variant is missing: choose linear or quadratic");
      }
    }
    checkScaling(spec.getScaling(), problems);
    checkTenants(spec.getTenants(), problems);
    checkTemplate(spec.getTemplate(), problems);
    return problems;
  }

  private static void checkModel(ModelSpec model, HostPathPolicy hostPaths, List<String> problems) {
    if (model == null) {
      problems.add("spec.model is missing: set spec.model.size and spec.model.source.uri");
      return;
    }
    if (model.getSize() == null) {
      problems.add("spec.model.size is missing: choose 3B, 8B or 14B");
    }
    if (model.getVariant() == null) {
      problems.add("spec.model.variant is missing: choose base or instruct");
    }
    if (model.getCache() != null
        && model.getCache().getPvc() != null
        && model.getCache().getPvc().getSize() == null) {
      problems.add(
          "spec.model.cache.pvc.size is missing: set the claim's size, larger than the weights"
              + " (e.g. 40Gi for 8B at bf16)");
    }
    String uri = model.getSource() == null ? null : model.getSource().getUri();
    var source = ModelSourceUri.parse(uri);
    if (source.isEmpty()) {
      problems.add(
          "spec.model.source.uri "
              + (uri == null ? "is missing" : "'" + uri + "' is not a supported location")
              + ": use hf://<org>/<repo>, pvc://<claim>[/<path>], s3://<bucket>[/<prefix>],"
              + " oci://<registry>/<repository> or file:///<path>");
    } else if (source.get().scheme() == ModelSourceUri.Scheme.FILE) {
      hostPaths.problem(uri, source.get().nodePath()).ifPresent(problems::add);
    }
    if (source.isPresent() && model.getCache() != null && !source.get().needsDownload()) {
      problems.add(
          "spec.model.cache is set but spec.model.source.uri "
              + uri
              + " is read in place: remove spec.model.cache");
    }
  }

  private static void checkGpu(NemotronDiffusionDeploymentSpec spec, List<String> problems) {
    if (spec.getGpu() == null || spec.getGpu().getGpuClass() == null) {
      problems.add(
          "spec.gpu.class is missing: choose H100, H200, B200, GB200, A100-80GB, A100-40GB, L40S,"
              + " L4 or CPU");
      return;
    }
    int count = Objects.requireNonNullElse(spec.getGpu().getCount(), 0);
    boolean cpu = spec.getGpu().getGpuClass() == GpuClass.CPU;
    if (!cpu && count < 1) {
      problems.add("spec.gpu.count must be at least 1 for a GPU class, got " + count);
    }
    if (!cpu && count > 1) {
      problems.add(
          "spec.gpu.count above 1 is not supported: a replica runs on one GPU until tensor"
              + " parallelism exists; scale out with spec.replicas instead (got "
              + count
              + ")");
    }
    if (cpu && count != 0) {
      problems.add("spec.gpu.count must be 0 or absent for class CPU, got " + count);
    }
    dev.inference.nemotron.operator.sizing.GpuClass catalogued = SpecSizing.gpuClass(spec);
    if (spec.getQuantization() == Quantization.FP8 && !catalogued.supportsFp8()) {
      problems.add(
          "spec.quantization fp8 needs FP8 hardware, which GPU class %s lacks: choose bf16, int8 or"
                  .formatted(catalogued.specName())
              + " int4, or a GPU class with FP8 ("
              + Arrays.stream(dev.inference.nemotron.operator.sizing.GpuClass.values())
                  .filter(dev.inference.nemotron.operator.sizing.GpuClass::supportsFp8)
                  .map(dev.inference.nemotron.operator.sizing.GpuClass::specName)
                  .collect(Collectors.joining(", "))
              + ")");
    }
  }

  private static void checkMix(ModeMix mix, List<String> problems) {
    if (mix == null) {
      return;
    }
    int ar = Objects.requireNonNullElse(mix.getAutoregressive(), 0);
    int diffusion = Objects.requireNonNullElse(mix.getDiffusion(), 0);
    int spec = Objects.requireNonNullElse(mix.getSelfSpeculation(), 0);
    if (ar < 0 || diffusion < 0 || spec < 0 || ar + diffusion + spec != 100) {
      problems.add(
          "spec.modes.mix shares must be non-negative and sum to 100, got %d (autoregressive %d +"
                  .formatted(ar + diffusion + spec, ar)
              + " diffusion %d + selfSpeculation %d)".formatted(diffusion, spec));
    }
  }

  private static void checkScaling(ScalingSpec scaling, List<String> problems) {
    if (scaling == null) {
      return;
    }
    int min = Objects.requireNonNullElse(scaling.getMinReplicas(), 1);
    int max = Objects.requireNonNullElse(scaling.getMaxReplicas(), min);
    atLeast("spec.scaling.minReplicas", min, 1, problems);
    if (min > max) {
      problems.add(
          "spec.scaling.minReplicas (%d) must not exceed spec.scaling.maxReplicas (%d)"
              .formatted(min, max));
    }
  }

  private static void checkTenants(List<TenantSpec> tenants, List<String> problems) {
    if (tenants == null) {
      return;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < tenants.size(); i++) {
      TenantSpec tenant = tenants.get(i);
      String field = "spec.tenants[" + i + "]";
      if (tenant.getName() == null || tenant.getName().isBlank()) {
        problems.add(field + ".name is missing");
      } else if (!names.add(tenant.getName())) {
        problems.add(
            field + ".name '" + tenant.getName() + "' is used twice: names must be unique");
      }
      if (tenant.getApiKeySecretRef() == null || tenant.getApiKeySecretRef().getName() == null) {
        problems.add(field + ".apiKeySecretRef.name is missing: name the Secret holding the key");
      }
    }
  }

  /**
   * Dynamic resource claims would need pod-level {@code resourceClaims}, which the API does not
   * offer; refused rather than dropped, so a pod never runs without a device the user asked for.
   */
  private static void checkTemplate(PodTemplateOverrides template, List<String> problems) {
    if (template != null
        && template.getResources() != null
        && template.getResources().getClaims() != null
        && !template.getResources().getClaims().isEmpty()) {
      problems.add(
          "spec.template.resources.claims is not supported: dynamic resource claims need pod-level"
              + " resourceClaims, which this API does not offer; remove"
              + " spec.template.resources.claims (GPUs come from spec.gpu)");
    }
  }

  private static void atLeast(String field, Integer value, int minimum, List<String> problems) {
    if (value != null && value < minimum) {
      problems.add(field + " must be at least " + minimum + ", got " + value);
    }
  }
}
