package dev.inference.nemotron.pod.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inference.nemotron.pod.engine.ForwardPassFactory.Backend;
import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ModelRuntime#load}: the tokenizer loads on its own thread; its failures still surface. */
class ModelRuntimeLoadTest {
  @TempDir Path root;

  private Path checkpoint(String name) throws IOException {
    Path dir = root.resolve(name);
    TinyCheckpoint.write(
        new TinyCheckpointSpec(32, 1, 64, 2, 1, 16, 400, DType.BF16, 5, 24, 10000, 8, 1, 0, null),
        dir);
    return dir;
  }

  @Test
  void theTokenizerLoadedAlongsideTheCheckpointIsTheCheckpointsOwn() throws IOException {
    Path dir = checkpoint("ok");
    try (ModelRuntime runtime = ModelRuntime.load(dir, Optional.empty(), 0, null, Backend.CPU)) {
      int[] ids = runtime.tokenizer().encode("hello world");
      assertThat(ids).isNotEmpty();
      assertThat(runtime.tokenizer().decode(ids)).isEqualTo("hello world");
    }
  }

  @Test
  void aMissingTokenizerIsReportedByNameAsWhenItLoadedFirst() throws IOException {
    Path dir = checkpoint("missing");
    Files.delete(dir.resolve("tokenizer.json"));
    assertThatThrownBy(() -> ModelRuntime.load(dir, Optional.empty(), 0, null, Backend.CPU))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(dir.resolve("tokenizer.json").toString());
  }

  @Test
  void aCorruptTokenizerIsReportedByNameAsWhenItLoadedFirst() throws IOException {
    Path dir = checkpoint("corrupt");
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": ");
    assertThatThrownBy(() -> ModelRuntime.load(dir, Optional.empty(), 0, null, Backend.CPU))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(dir.resolve("tokenizer.json") + ": malformed JSON");
  }
}
