package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;

/**
 * Desired state of a {@link NemotronDiffusionDeployment}. Written by users, never by the operator.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = TenantListSchema.class, input = "tenants")
@ValidationRule(
    value =
        "self.quantization != 'fp8' || !has(self.gpu) || self.gpu.class in"
            + " ['H100', 'H200', 'B200', 'GB200', 'L40S', 'L4']",
    message =
        "quantization fp8 needs FP8 tensor cores (gpu.class H100, H200, B200, GB200, L40S or L4);"
            + " on A100 or CPU choose bf16, int8 or int4")
public class NemotronDiffusionDeploymentSpec {

  /**
   * Default {@code maxContextLength}. With {@link #DEFAULT_MAX_CONCURRENT_SEQUENCES} it makes a KV
   * cache of 65,536 tokens per replica (8.5 GiB for 8B, 10 GiB for 14B): the design's example, 8B
   * bf16 on one H100, fits with room to spare, and so does 14B bf16 on one A100-80GB.
   */
  public static final int DEFAULT_MAX_CONTEXT_LENGTH = 8192;

  /** Default {@code maxConcurrentSequences}; see {@link #DEFAULT_MAX_CONTEXT_LENGTH}. */
  public static final int DEFAULT_MAX_CONCURRENT_SEQUENCES = 8;

  @Required
  @JsonPropertyDescription(
      "The checkpoint to serve: size, variant, where to load it from and how to cache it.")
  private ModelSpec model;

  @Default("bf16")
  @PrinterColumn(name = "Quantization")
  @JsonPropertyDescription(
      "Weight format on the accelerator: bf16 (as shipped), fp8 (FP8-capable GPU classes only),"
          + " int8 or int4 (blockwise scales). Changing it rolls the pods.")
  private Quantization quantization = Quantization.BF16;

  @Required
  @JsonPropertyDescription("The accelerator class and how many of them each replica gets.")
  private GpuSpec gpu;

  @Default("" + DEFAULT_MAX_CONTEXT_LENGTH)
  @Min(256)
  @Max(262144)
  @JsonPropertyDescription(
      "Longest sequence (prompt plus generated tokens) a request may reach; sizes the KV cache of"
          + " every replica. The default, 8192 tokens for 8 sequences, fits 8B bf16 on one H100"
          + " with room to spare; raise it where the GPU class has the memory.")
  private Integer maxContextLength = DEFAULT_MAX_CONTEXT_LENGTH;

  @Default("" + DEFAULT_MAX_CONCURRENT_SEQUENCES)
  @Min(1)
  @Max(1024)
  @JsonPropertyDescription(
      "Sequences a replica decodes at once (continuous batching); with maxContextLength it sizes"
          + " the KV cache. Further requests wait in the replica's bounded queue.")
  private Integer maxConcurrentSequences = DEFAULT_MAX_CONCURRENT_SEQUENCES;

  @Default("{}")
  @JsonPropertyDescription(
      "Decoding modes: the share of requests each mode serves and each mode's settings. A change"
          + " needs no pod restart: the operator rewrites the runtime configuration (a ConfigMap),"
          + " the kubelet updates it in the running pods within about a minute, and the runtime"
          + " reloads it.")
  private ModesSpec modes = new ModesSpec();

  @Default("{}")
  @JsonPropertyDescription(
      "Replica bounds, the targets the builtin autoscaler holds, and who scales.")
  private ScalingSpec scaling = new ScalingSpec();

  @Min(0)
  @SpecReplicas
  @JsonPropertyDescription(
      "Desired replicas when scaling.actuator is external: the spec path of the /scale subresource"
          + " that an HPA or KEDA writes. The operator clamps it to [scaling.minReplicas,"
          + " scaling.maxReplicas] and ignores it with the builtin actuator.")
  private Integer replicas;

  @Size(max = 64)
  @JsonPropertyDescription(
      "Tenants allowed to call the endpoint, each with its own API key, rate limits and fair-share"
          + " weight. Empty means the endpoint requires no API key. A change of a tenant's limits"
          + " or weight needs no pod restart: the runtime reloads its configuration (a ConfigMap)"
          + " within about a minute. A list keyed by name: server-side apply merges tenants by name."
          + " Adding, removing, renaming or reordering tenants, or changing"
          + " an apiKeySecretRef, changes the Secret files the pods mount and rolls the pods, one"
          + " surge pod at a time, so each step needs a spare GPU of the class.")
  private List<TenantSpec> tenants;

  @JsonPropertyDescription(
      "Pod-level settings merged into the inference pods the operator creates: scheduling,"
          + " resources, labels and annotations.")
  private PodTemplateOverrides template;

  public ModelSpec getModel() {
    return model;
  }

  public void setModel(ModelSpec model) {
    this.model = model;
  }

  public Quantization getQuantization() {
    return quantization;
  }

  public void setQuantization(Quantization quantization) {
    this.quantization = quantization;
  }

  public GpuSpec getGpu() {
    return gpu;
  }

  public void setGpu(GpuSpec gpu) {
    this.gpu = gpu;
  }

  public Integer getMaxContextLength() {
    return maxContextLength;
  }

  public void setMaxContextLength(Integer maxContextLength) {
    this.maxContextLength = maxContextLength;
  }

  public Integer getMaxConcurrentSequences() {
    return maxConcurrentSequences;
  }

  public void setMaxConcurrentSequences(Integer maxConcurrentSequences) {
    this.maxConcurrentSequences = maxConcurrentSequences;
  }

  public ModesSpec getModes() {
    return modes;
  }

  public void setModes(ModesSpec modes) {
    this.modes = modes;
  }

  public ScalingSpec getScaling() {
    return scaling;
  }

  public void setScaling(ScalingSpec scaling) {
    this.scaling = scaling;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public List<TenantSpec> getTenants() {
    return tenants;
  }

  public void setTenants(List<TenantSpec> tenants) {
    this.tenants = tenants;
  }

  public PodTemplateOverrides getTemplate() {
    return template;
  }

  public void setTemplate(PodTemplateOverrides template) {
    this.template = template;
  }
}
