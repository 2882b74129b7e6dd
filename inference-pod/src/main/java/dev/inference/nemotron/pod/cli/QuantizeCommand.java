package dev.inference.nemotron.pod.cli;

import dev.inference.nemotron.pod.model.CheckpointQuantizer;
import dev.inference.nemotron.pod.model.QuantFormat;
import dev.inference.nemotron.pod.model.QuantizationPlan;
import dev.inference.nemotron.pod.model.WeightQuantizer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

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
        "  --lm-head keep|quantize the diffusion_head: kept as stored (default) or quantized");
  }

  @Override
  public void run(CommandArgs args, PrintStream out) throws Exception {
    Path model = args.existingPath("model");
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
}
