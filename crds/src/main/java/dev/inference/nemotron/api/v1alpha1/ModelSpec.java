package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Which checkpoint to serve and where its files come from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.cache) || !(self.source.uri.startsWith('pvc://')"
            + " || self.source.uri.startsWith('file://'))",
    message =
        "model.cache is for downloaded sources (hf://, s3://, oci://); pvc:// and file:// sources"
            + " are read in place: remove model.cache")
public class ModelSpec {

  @Required
  @PrinterColumn(name = "Size")
  @JsonPropertyDescription("Checkpoint size: 3B, 8B or 14B parameters.")
  private ModelSize size;

  @Default("instruct")
  @JsonPropertyDescription("Checkpoint variant: base (pretrained) or instruct (chat-tuned).")
  private ModelVariant variant = ModelVariant.INSTRUCT;

  @Required
  @JsonPropertyDescription(
      "Where the checkpoint's files (config.json, safetensors, tokenizer) come from.")
  private ModelSource source;

  @JsonPropertyDescription(
      "Where downloaded weights are kept so that they are fetched once and shared by every replica."
          + " Absent: each replica downloads into an emptyDir.")
  private ModelCache cache;

  @Size(max = 255)
  @Pattern("^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")
  @JsonPropertyDescription(
      "Folder inside the checkpoint holding the LoRA adapter that self-speculation drafts with,"
          + " e.g. linear_spec_lora. Absent: drafts run without an adapter (lower acceptance).")
  private String draftAdapter;

  public ModelSize getSize() {
    return size;
  }

  public void setSize(ModelSize size) {
    this.size = size;
  }

  public ModelVariant getVariant() {
    return variant;
  }

  public void setVariant(ModelVariant variant) {
    this.variant = variant;
  }

  public ModelSource getSource() {
    return source;
  }

  public void setSource(ModelSource source) {
    this.source = source;
  }

  public ModelCache getCache() {
    return cache;
  }

  public void setCache(ModelCache cache) {
    this.cache = cache;
  }

  public String getDraftAdapter() {
    return draftAdapter;
  }

  public void setDraftAdapter(String draftAdapter) {
    this.draftAdapter = draftAdapter;
  }
}
