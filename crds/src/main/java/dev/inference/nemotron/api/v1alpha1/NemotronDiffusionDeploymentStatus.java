package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.List;

/** Observed state of a {@link NemotronDiffusionDeployment}; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = ConditionListSchema.class, input = "conditions")
public class NemotronDiffusionDeploymentStatus {

  /** Condition type: the endpoint serves with at least minReplicas ready replicas. */
  public static final String READY = "Ready";

  /** Condition type: a rollout or scaling action is under way. */
  public static final String PROGRESSING = "Progressing";

  /**
   * Condition type: serving, but below a target (latency, tokens per forward) or short of replicas.
   */
  public static final String DEGRADED = "Degraded";

  /** Condition type: the weights are in the cache and every replica can load them. */
  public static final String MODEL_CACHED = "ModelCached";

  /** Condition type: the builtin autoscaler has fresh metrics and is acting on them. */
  public static final String SCALING_ACTIVE = "ScalingActive";

  @JsonPropertyDescription("The metadata.generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Standard conditions: Ready, Progressing, Degraded, ModelCached and ScalingActive, each with"
          + " a reason and a message saying what to do.")
  private List<Condition> conditions;

  @StatusReplicas
  @JsonPropertyDescription(
      "Replicas (pods) the fleet currently has; the status path of the /scale subresource.")
  private Integer replicas;

  @PrinterColumn(name = "Ready")
  @JsonPropertyDescription("Replicas whose weights are loaded and whose readiness probe passes.")
  private Integer readyReplicas;

  @LabelSelector
  @JsonPropertyDescription(
      "Label selector of the fleet's pods in string form; the /scale subresource's selector path,"
          + " used by HPA and KEDA to find the pods.")
  private String selector;

  @JsonPropertyDescription(
      "Base URL of the OpenAI-compatible API inside the cluster, e.g."
          + " http://chat-8b.team-a.svc:8080/v1. Clients send the resource's name as the model"
          + " (\"model\": \"chat-8b\"); GET /v1/models lists it.")
  private String endpoint;

  @JsonPropertyDescription("What the autoscaler last measured over the ready replicas.")
  private ObservedMetrics observed;

  @JsonPropertyDescription("The last change of replicas and why it was made.")
  private ScaleEvent lastScale;

  @JsonPropertyDescription(
      "Per decoding mode other than autoregressive, whether it currently beats autoregressive"
          + " decoding on this fleet (measured tokens per forward against the measured cost of its"
          + " wider forwards). Written by the autoscaler.")
  private List<ModeAdvice> modeAdvice;

  @JsonPropertyDescription(
      "Under scaling.modePolicy adaptive, the mode mix in force (what the runtime configuration"
          + " carries instead of spec.modes.mix), when it last shifted and why. Written by the"
          + " autoscaler; absent under the static policy.")
  private EffectiveModeMix effectiveModeMix;

  @JsonPropertyDescription(
      "Memory needed per replica for the model, quantization, context length and concurrency,"
          + " against what the GPU class offers.")
  private Sizing sizing;

  @JsonPropertyDescription(
      "The download Job whose weights are complete in the weight cache; named after the source,"
          + " revision and secretRef. The Job may be deleted once finished (the operator's"
          + " fetchRetention) and is not run again while this names it.")
  private String cachedDownload;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public ObservedMetrics getObserved() {
    return observed;
  }

  public void setObserved(ObservedMetrics observed) {
    this.observed = observed;
  }

  public ScaleEvent getLastScale() {
    return lastScale;
  }

  public void setLastScale(ScaleEvent lastScale) {
    this.lastScale = lastScale;
  }

  public List<ModeAdvice> getModeAdvice() {
    return modeAdvice;
  }

  public void setModeAdvice(List<ModeAdvice> modeAdvice) {
    this.modeAdvice = modeAdvice;
  }

  public EffectiveModeMix getEffectiveModeMix() {
    return effectiveModeMix;
  }

  public void setEffectiveModeMix(EffectiveModeMix effectiveModeMix) {
    this.effectiveModeMix = effectiveModeMix;
  }

  public Sizing getSizing() {
    return sizing;
  }

  public void setSizing(Sizing sizing) {
    this.sizing = sizing;
  }

  public String getCachedDownload() {
    return cachedDownload;
  }

  public void setCachedDownload(String cachedDownload) {
    this.cachedDownload = cachedDownload;
  }
}
