package dev.inference.nemotron.pod.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sources, Hub access from the environment, and the files the runtime needs. */
class FetchSourceTest {

  @Test
  void parsesEverySchemeOfTheApi() {
    FetchSource hf = FetchSource.parse("hf://nvidia/Nemotron-Labs-Diffusion-8B");
    assertThat(hf.scheme()).isEqualTo(FetchSource.Scheme.HF);
    assertThat(hf.hubRepository())
        .isEqualTo(new HubRepository("nvidia", "Nemotron-Labs-Diffusion-8B"));
    assertThat(hf.readInPlace()).isFalse();
    assertThat(FetchSource.parse("pvc://weights/8b").readInPlace()).isTrue();
    assertThat(FetchSource.parse("file:///var/lib/ndd").readInPlace()).isTrue();
    assertThat(FetchSource.parse("s3://bucket/x").scheme()).isEqualTo(FetchSource.Scheme.S3);
    assertThat(FetchSource.parse("oci://reg/x:1").scheme()).isEqualTo(FetchSource.Scheme.OCI);
  }

  @Test
  void rejectsMalformedSourcesSayingWhatIsExpected() {
    assertThatThrownBy(() -> FetchSource.parse("hf://nvidia"))
        .hasMessageContaining("hf://ORG/NAME");
    assertThatThrownBy(() -> FetchSource.parse("hf://nvidia/../etc"))
        .hasMessageContaining("hf://ORG/NAME");
    assertThatThrownBy(() -> FetchSource.parse("https://huggingface.co/nvidia/x"))
        .hasMessageContaining("unknown scheme");
  }

  @Test
  void hubAccessReadsEndpointAndTokenAndNeverShowsTheToken() {
    HubAccess defaults = HubAccess.fromEnvironment(Map.of());
    assertThat(defaults.endpoint()).isEqualTo(URI.create(HubAccess.DEFAULT_ENDPOINT));
    assertThat(defaults.hasToken()).isFalse();

    HubAccess mirror =
        HubAccess.fromEnvironment(
            Map.of("HF_ENDPOINT", "http://mirror.internal:8080/", "HF_TOKEN", " hf_abc\n"));
    assertThat(mirror.endpoint()).isEqualTo(URI.create("http://mirror.internal:8080"));
    assertThat(mirror.authorization()).contains("Bearer hf_abc");
    assertThat(mirror.toString()).doesNotContain("hf_abc").contains("token set");
    assertThat(mirror.isHub(URI.create("http://mirror.internal:8080/nvidia/x/resolve/main/a")))
        .isTrue();
    assertThat(mirror.isHub(URI.create("http://cdn.internal/blobs/x"))).isFalse();
    assertThat(mirror.isHub(URI.create("http://mirror.internal:9090/x"))).isFalse();

    assertThat(
            HubAccess.fromEnvironment(Map.of("HF_TOKEN", "", "HUGGING_FACE_HUB_TOKEN", "hf_old"))
                .authorization())
        .contains("Bearer hf_old");
    assertThatThrownBy(() -> HubAccess.fromEnvironment(Map.of("HF_ENDPOINT", "ftp://x")))
        .hasMessageContaining("must be an http(s) URL");
  }

  @Test
  void onlyTheFilesTheRuntimeReadsAreNeeded() {
    for (String needed :
        new String[] {
          "config.json",
          "generation_config.json",
          "model.safetensors",
          "model-00001-of-00004.safetensors",
          "model.safetensors.index.json",
          "tokenizer.json",
          "tokenizer_config.json",
          "tokenizer.jinja",
          "chat_template.jinja",
          "special_tokens_map.json",
          "linear_spec_lora/adapter_config.json",
          "linear_spec_lora/adapter_model.safetensors"
        }) {
      assertThat(RuntimeFiles.needed(needed)).as(needed).isTrue();
    }
    for (String skipped :
        new String[] {
          "README.md",
          ".gitattributes",
          "pytorch_model.bin",
          "model.gguf",
          "original/model.safetensors",
          "linear_spec_lora/README.md",
          "figures/arch.png"
        }) {
      assertThat(RuntimeFiles.needed(skipped)).as(skipped).isFalse();
    }
  }

  @Test
  void revisionsStayOnePathSegment() {
    assertThat(HubClient.segment("refs/pr/1")).isEqualTo("refs%2Fpr%2F1");
    assertThat(HubClient.segment("v1.0_rc-2~")).isEqualTo("v1.0_rc-2~");
  }
}
