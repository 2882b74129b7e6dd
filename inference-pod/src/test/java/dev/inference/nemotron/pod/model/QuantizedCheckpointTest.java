package dev.inference.nemotron.pod.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code ndd quantize}'s checkpoints: they load as stored, equal to quantizing at load; the files
 * beside the weights come along; and a damaged or unknown quantized checkpoint is refused with a
 * message naming the file and the problem. Also NVIDIA's FP8 layout (per-tensor scale, {@code
 * input_scale}, ModelOpt's {@code quantization_config}).
 */
class QuantizedCheckpointTest {
  @TempDir Path root;

  private Path bf16() throws Exception {
    Path dir = root.resolve("bf16");
    TinyCheckpoint.write(
        new TinyCheckpointSpec(64, 2, 128, 4, 2, 16, 400, DType.BF16, 3, 24, 10000, 8, 1, 4, null),
        dir);
    return dir;
  }

  private Path quantized(Path source, QuantFormat format, String name) throws Exception {
    Path out = root.resolve(name);
    CheckpointQuantizer.write(
        source,
        out,
        new QuantizationPlan(format, 32, false),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    return out;
  }

  @ParameterizedTest
  @EnumSource(QuantFormat.class)
  void aQuantizedCheckpointLoadsAsStoredEqualToQuantizingAtLoad(QuantFormat format)
      throws Exception {
    Path source = bf16();
    Path out = root.resolve(format.id());
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    CheckpointQuantizer.Result result =
        CheckpointQuantizer.write(
            source,
            out,
            new QuantizationPlan(format, 32, false),
            new PrintStream(progress, true, StandardCharsets.UTF_8));
    assertThat(result.quantizedTensors()).isEqualTo(14); // 7 projections x 2 layers
    assertThat(progress.toString(StandardCharsets.UTF_8))
        .contains("[1/14] encoder.layers.0.")
        .contains("[14/14]");
    assertThat(QuantizationConfig.read(out.resolve("config.json")))
        .contains(new QuantizationConfig(format, format.blockwise() ? 32 : 0));
    for (String f : List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
      assertThat(out.resolve(f)).hasSameBinaryContentAs(source.resolve(f));
    }
    assertThat(out.resolve("linear_spec_lora/adapter_model.safetensors")).exists();

    try (Checkpoint stored = Checkpoint.open(out);
        Checkpoint atLoad = Checkpoint.open(source, true, new QuantizationPlan(format, 32, false));
        Checkpoint storedAgain =
            Checkpoint.open(out, true, new QuantizationPlan(format, 32, false))) {
      ModelWeights s = stored.weights();
      ModelWeights a = atLoad.weights();
      assertThat(s.embedTokens().isQuantized()).isFalse();
      assertThat(s.embedTokens().dtype()).isEqualTo(DType.BF16);
      assertThat(s.lmHead().isQuantized()).isFalse();
      assertThat(s.finalNorm().isQuantized()).isFalse();
      for (int l = 0; l < 2; l++) {
        for (int p = 0; p < 7; p++) {
          Tensor st = projections(s.layers().get(l)).get(p);
          Tensor at = projections(a.layers().get(l)).get(p);
          assertThat(st.isQuantized()).isTrue();
          assertThat(st.quantization().format()).isEqualTo(format);
          assertThat(st.data().mismatch(at.data())).as(st.name()).isEqualTo(-1L);
          assertThat(st.quantization().scales().data().mismatch(at.quantization().scales().data()))
              .isEqualTo(-1L);
          assertThat(st.get(17)).isEqualTo(at.get(17));
        }
      }
      assertThat(projections(storedAgain.weights().layers().get(1)).get(6).data().isMapped())
          .as("a checkpoint in the asked format is not quantized again: its codes stay mapped")
          .isTrue();
      assertThat(projections(a.layers().get(1)).get(6).data().isMapped()).isFalse();
    }
    QuantFormat other = format == QuantFormat.INT8 ? QuantFormat.INT4 : QuantFormat.INT8;
    assertThatThrownBy(() -> Checkpoint.open(out, true, new QuantizationPlan(other, 32, false)))
        .hasMessageContaining(out.resolve("config.json").toString())
        .hasMessageContaining("pre-quantized as " + format.id());
  }

  @Test
  void theLmHeadIsQuantizedWhenAsked() throws Exception {
    Path source = bf16();
    Path out = root.resolve("head");
    CheckpointQuantizer.write(
        source,
        out,
        new QuantizationPlan(QuantFormat.INT4, 64, true),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try (Checkpoint c = Checkpoint.open(out)) {
      Tensor head = c.weights().lmHead();
      assertThat(head.isQuantized()).isTrue();
      assertThat(head.quantization().blockSize()).isEqualTo(64);
      assertThat(head.storedBytes()).isEqualTo(400L * 32 + 400L * 1 * 2); // nibbles + BF16 scales
    }
  }

  @Test
  void aScaleTensorOfTheWrongShapeIsNamedWithItsFile() throws Exception {
    Path out = quantized(bf16(), QuantFormat.INT8, "int8");
    String scale = "encoder.layers.1.mlp.down_proj.weight_scale"; // [64, 128 / 32]
    Path weights = out.resolve(TensorStore.SINGLE_FILE);
    rewrite(
        weights,
        (name, t) ->
            name.equals(scale)
                ? new Tensor(name, t.dtype(), new long[] {64, 2}, t.data().asSlice(0, 64 * 2 * 2))
                : t);
    assertThatThrownBy(() -> Checkpoint.open(out))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessageContaining(weights.toString())
        .hasMessageContaining(scale + " has shape [64, 2], expected [64, 4]")
        .hasMessageContaining("block_size");
  }

  @Test
  void aTruncatedQuantizedFileIsNamed() throws Exception {
    Path out = quantized(bf16(), QuantFormat.INT4, "int4");
    Path weights = out.resolve(TensorStore.SINGLE_FILE);
    try (FileChannel channel = FileChannel.open(weights, StandardOpenOption.WRITE)) {
      channel.truncate(channel.size() - 100);
    }
    assertThatThrownBy(() -> Checkpoint.open(out))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessageContaining(weights.toString())
        .hasMessageContaining("truncated");
  }

  @Test
  void anUnknownQuantizationConfigIsNamedWithConfigJson() throws Exception {
    Path out = quantized(bf16(), QuantFormat.INT8, "int8");
    Path config = out.resolve("config.json");
    editConfig(
        config, c -> ((ObjectNode) c.get("quantization_config")).put("quant_method", "gptq"));
    assertThatThrownBy(() -> Checkpoint.open(out))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessageContaining(config.toString())
        .hasMessageContaining("quant_method 'gptq' is not supported");
    editConfig(
        config,
        c ->
            ((ObjectNode) c.get("quantization_config"))
                .put("quant_method", "ndd")
                .put("format", "int3"));
    assertThatThrownBy(() -> Checkpoint.open(out))
        .hasMessageContaining(config.toString())
        .hasMessageContaining("format 'int3'");
  }

  @Test
  void codesThatDisagreeWithTheConfigOrLackItAreRefused() throws Exception {
    Path out = quantized(bf16(), QuantFormat.INT8, "int8");
    Path config = out.resolve("config.json");
    Path weights = out.resolve(TensorStore.SINGLE_FILE);
    editConfig(config, c -> ((ObjectNode) c.get("quantization_config")).put("format", "int4"));
    assertThatThrownBy(() -> Checkpoint.open(out))
        .hasMessageContaining(weights.toString())
        .hasMessageContaining("is I8, but quantization_config says int4");
    editConfig(config, c -> c.remove("quantization_config"));
    assertThatThrownBy(() -> Checkpoint.open(out))
        .hasMessageContaining(weights.toString())
        .hasMessageContaining("_scale says")
        .hasMessageContaining("config.json has no quantization_config");
  }

  @Test
  void readsNvidiaFp8LayoutWithPerTensorScalesAndInputScales() throws Exception {
    Path source = bf16();
    Path out = root.resolve("modelopt");
    Files.createDirectories(out);
    for (String f : List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
      Files.copy(source.resolve(f), out.resolve(f));
    }
    Files.copy(source.resolve("config.json"), out.resolve("config.json"));
    editConfig(
        out.resolve("config.json"),
        c ->
            c.putObject("quantization_config")
                .put("quant_method", "modelopt")
                .put("quant_algo", "FP8"));
    String name = "encoder.layers.0.mlp.up_proj.weight";
    float scale;
    try (Arena arena = Arena.ofShared()) {
      SafetensorsFile file = SafetensorsFile.map(source.resolve(TensorStore.SINGLE_FILE), arena);
      SafetensorsWriter writer = new SafetensorsWriter();
      float amax = 0;
      Tensor up = file.tensor(name);
      for (long i = 0; i < up.elementCount(); i++) {
        amax = Math.max(amax, Math.abs(up.get(i)));
      }
      scale = amax / DType.E4M3_MAX;
      for (String n : file.names()) {
        Tensor t = file.tensor(n);
        if (!n.equals(name)) {
          writer.add(t);
          continue;
        }
        float s = scale;
        writer.add(
            n,
            DType.F8_E4M3,
            t.shape(),
            (first, block, count) -> {
              for (int i = 0; i < count; i++) {
                block[i] = DType.e4m3ToFloat(DType.floatToE4m3(t.get(first + i) / s));
              }
            });
        writer.add(WeightQuantizer.scaleName(n), DType.F32, new float[] {s});
        writer.add("encoder.layers.0.mlp.up_proj.input_scale", DType.F32, new float[] {1f});
      }
      writer.write(out.resolve(TensorStore.SINGLE_FILE));
    }
    try (Checkpoint c = Checkpoint.open(out);
        Checkpoint original = Checkpoint.open(source)) {
      Tensor up = c.weights().layers().get(0).upProj();
      assertThat(up.isQuantized()).isTrue();
      assertThat(up.quantization().scaleRowStride()).isZero();
      Tensor bf16 = original.weights().layers().get(0).upProj();
      for (long i = 0; i < up.elementCount(); i += 97) {
        assertThat(up.get(i))
            .isEqualTo(DType.e4m3ToFloat(DType.floatToE4m3(bf16.get(i) / scale)) * scale);
      }
      assertThat(c.weights().layers().get(0).gateProj().isQuantized()).isFalse();
    }
  }

  private static List<Tensor> projections(LayerWeights l) {
    return List.of(
        l.qProj(), l.kProj(), l.vProj(), l.oProj(), l.gateProj(), l.upProj(), l.downProj());
  }

  /** Rewrites a safetensors file with each tensor passed through {@code change}. */
  private static void rewrite(Path file, BiFunction<String, Tensor, Tensor> change)
      throws Exception {
    Path tmp = file.resolveSibling("rewritten.tmp");
    try (Arena arena = Arena.ofShared()) {
      SafetensorsFile f = SafetensorsFile.map(file, arena);
      SafetensorsWriter writer = new SafetensorsWriter();
      for (String n : f.names()) {
        Tensor t = change.apply(n, f.tensor(n));
        MemorySegment data = t.data();
        writer.addRaw(n, t.dtype(), t.shape(), () -> data);
      }
      writer.write(tmp);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void editConfig(Path config, java.util.function.Consumer<ObjectNode> edit)
      throws Exception {
    ObjectNode root = (ObjectNode) ConfigJson.JSON.readTree(Files.readString(config));
    edit.accept(root);
    Files.writeString(config, ConfigJson.JSON.writeValueAsString(root));
  }
}
