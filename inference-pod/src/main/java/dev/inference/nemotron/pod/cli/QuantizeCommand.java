package dev.inference.nemotron.pod.cli;

import dev.inference.nemotron.pod.engine.cpu.CpuForwardPass;
import dev.inference.nemotron.pod.engine.cpu.QuantizationQuality;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.CheckpointQuantizer;
import dev.inference.nemotron.pod.model.LayerWeights;
import dev.inference.nemotron.pod.model.ModelWeights;
import dev.inference.nemotron.pod.model.QuantFormat;
import dev.inference.nemotron.pod.model.QuantizationPlan;
import dev.inference.nemotron.pod.model.Tensor;
import dev.inference.nemotron.pod.model.WeightQuantizer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code ndd quantize}: writes a pre-quantized copy of a BF16 checkpoint (WEIGHT-FORMATS.md) that
 * {@code ndd serve}/{@code generate}/{@code bench} load without re-quantizing. Progress goes to
 * stderr, one line per tensor; the summary to stdout.
 */
public final class QuantizeCommand implements Command {

  @Override
  public String name() {
    return "quantize";
  }

  @Override
  public String summary() {
    return "write a pre-quantized (int8, int4, fp8) copy of a checkpoint";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "  --model DIR             the BF16 (or F16/F32) checkpoint",
        "  --to int8|int4|fp8      the projections' format",
        "  --out DIR               the new checkpoint directory (must not exist or be empty)",
        "  --block-size 32|64      inputs per scale for int8/int4 (default 32)",
        "  --lm-head keep|quantize the diffusion_head: kept as stored (default) or quantized",
        "  --quality               instead of writing: quantize --model at load to every format",
        "                          (LM head kept, then quantized) and print logit error, top-1",
        "                          and greedy agreement against the model as stored",
        "  --positions N           --quality: teacher-forced positions (default 256)",
        "  --tokens N              --quality: greedy tokens (default 64)");
  }

  @Override
  public void run(CommandArgs args, PrintStream out) throws Exception {
    Path model = args.existingPath("model");
    if (args.flag("quality")) {
      quality(args, model, out);
      return;
    }
    String to = args.required("to");
    QuantFormat format =
        QuantFormat.fromId(to)
            .orElseThrow(
                () ->
                    new UsageException(
                        "--to must be one of " + QuantFormat.ids() + ", got '" + to + "'"));
    Path target = args.path("out");
    int block = args.integer("block-size", WeightQuantizer.DEFAULT_BLOCK_SIZE);
    if (!WeightQuantizer.validBlockSize(block)) {
      throw new UsageException("--block-size must be 32 or 64, got " + block);
    }
    String head = args.string("lm-head", "keep");
    if (!head.equals("keep") && !head.equals("quantize")) {
      throw new UsageException("--lm-head must be keep or quantize, got '" + head + "'");
    }
    args.requireAllUsed();
    QuantizationPlan plan = new QuantizationPlan(format, block, head.equals("quantize"));
    long start = System.nanoTime();
    CheckpointQuantizer.Result result = CheckpointQuantizer.write(model, target, plan, System.err);
    out.printf(
        Locale.ROOT,
        "quantized %s -> %s as %s: %d tensors quantized, %d kept; weights %.1f MB -> %.1f MB"
            + " in %.1f s%n",
        model,
        target,
        plan,
        result.quantizedTensors(),
        result.keptTensors(),
        result.bytesIn() / 1e6,
        result.bytesOut() / 1e6,
        (System.nanoTime() - start) / 1e9);
  }

  /** {@code --quality}: the figures of BENCHMARKS.md's quantization section. */
  private static void quality(CommandArgs args, Path model, PrintStream out) throws Exception {
    int positions = args.integer("positions", 256);
    int tokens = args.integer("tokens", 64);
    int block = args.integer("block-size", WeightQuantizer.DEFAULT_BLOCK_SIZE);
    args.requireAllUsed();
    if (positions < 1 || tokens < 1 || !WeightQuantizer.validBlockSize(block)) {
      throw new UsageException("--positions and --tokens must be >= 1, --block-size 32 or 64");
    }
    try (Checkpoint reference = Checkpoint.open(model, false)) {
      if (positions > reference.config().maxPositionEmbeddings()
          || tokens + 8 > reference.config().maxPositionEmbeddings()) {
        throw new UsageException("--positions/--tokens exceed the model's context");
      }
      CpuForwardPass ref =
          new CpuForwardPass(reference.config(), reference.weights(), Optional.empty());
      out.printf(
          Locale.ROOT,
          "%s: %d teacher-forced positions, %d greedy tokens, against the weights as stored (%.1f"
              + " MB)%n",
          model,
          positions,
          tokens,
          weightBytes(reference.weights()) / 1e6);
      out.printf(
          Locale.ROOT,
          "%-6s %-8s %10s %12s %12s %8s %8s %8s%n",
          "format",
          "lm_head",
          "weights_MB",
          "logit_rel",
          "logit_rel_max",
          "top1",
          "greedy",
          "prefix");
      for (QuantFormat format : QuantFormat.values()) {
        for (boolean head : new boolean[] {false, true}) {
          QuantizationPlan plan = new QuantizationPlan(format, block, head);
          try (Checkpoint quantized = Checkpoint.open(model, false, plan)) {
            CpuForwardPass q =
                new CpuForwardPass(quantized.config(), quantized.weights(), Optional.empty());
            QuantizationQuality m = QuantizationQuality.measure(ref, q, positions, tokens, 1);
            out.printf(
                Locale.ROOT,
                "%-6s %-8s %10.1f %12.5f %12.5f %8.4f %8.4f %5d/%d%n",
                format.id(),
                head ? "quant" : "kept",
                weightBytes(quantized.weights()) / 1e6,
                m.logitRelativeError(),
                m.maxLogitRelativeError(),
                m.top1Agreement(),
                m.greedyAgreement(),
                m.greedyCommonPrefix(),
                m.greedyTokens());
          }
        }
      }
    }
  }

  /** Bytes of every tensor as stored (codes and scales of quantized ones). */
  static long weightBytes(ModelWeights w) {
    long bytes =
        w.embedTokens().storedBytes() + w.finalNorm().storedBytes() + w.lmHead().storedBytes();
    for (LayerWeights l : w.layers()) {
      for (Tensor t : l.tensors()) {
        bytes += t.storedBytes();
      }
    }
    return bytes;
  }
}
