package dev.inference.nemotron.pod.serve;

import dev.inference.nemotron.pod.decode.Decoder;
import dev.inference.nemotron.pod.decode.DecodingMode;
import dev.inference.nemotron.pod.decode.SamplingParams;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.ForwardPassFactory;
import dev.inference.nemotron.pod.engine.ForwardPassFactory.Backend;
import dev.inference.nemotron.pod.engine.cpu.CpuForwardPass;
import dev.inference.nemotron.pod.engine.cuda.CudaForwardPass;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.DraftAdapter;
import dev.inference.nemotron.pod.model.DraftAdapterDirectory;
import dev.inference.nemotron.pod.model.ModelConfig;
import dev.inference.nemotron.pod.model.QuantizationPlan;
import dev.inference.nemotron.pod.tokenizer.ChatMessage;
import dev.inference.nemotron.pod.tokenizer.Tokenizer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A loaded model and everything that turns a request into a decodable sequence, shared by {@code
 * ndd generate} and {@code ndd serve}: tokenization and chat templates, the checkpoint's EOS ids
 * merged into the stop tokens, the token budget checked against the context window, the decoder of
 * the mode with the configured block sizes, and the KV positions it needs, checked against the
 * memory it would take before anything large is allocated.
 */
public final class ModelRuntime implements AutoCloseable {
  // Prompts are checked at this many rows: the server prefills in chunks of at most this size.
  private static final int PREFILL_ROWS_CHECKED = 4096;

  private final Checkpoint checkpoint;
  private final Arena arena;
  private final Tokenizer tokenizer;
  private final ForwardPass model;
  private final ModelConfig config;
  private final int contextLength;
  private final boolean draftAdapter;

  private ModelRuntime(
      Checkpoint checkpoint,
      Arena arena,
      Tokenizer tokenizer,
      ForwardPass model,
      int contextLength,
      boolean draftAdapter) {
    this.checkpoint = checkpoint;
    this.arena = arena;
    this.tokenizer = tokenizer;
    this.model = model;
    this.config = checkpoint.config();
    this.contextLength = contextLength;
    this.draftAdapter = draftAdapter;
  }

  /**
   * Loads the checkpoint in {@code modelDir}.
   *
   * @param lora the draft adapter: empty for the checkpoint's own {@code linear_spec_lora/} when
   *     present, {@code none} for no adapter, or a directory
   * @param maxContextLength longest prompt + completion served; 0 for the model's own maximum
   */
  public static ModelRuntime load(Path modelDir, Optional<String> lora, int maxContextLength)
      throws IOException {
    return load(modelDir, lora, maxContextLength, null, Backend.fromSystemProperties());
  }

  /**
   * Loads the checkpoint in {@code modelDir} with the projections quantized at load as {@code
   * quantization} asks (null: as stored; see {@link Checkpoint#open(Path, boolean,
   * QuantizationPlan)}), onto the given backend ({@link ForwardPassFactory}: {@code auto} falls
   * back to the CPU with one line on stderr saying why).
   */
  public static ModelRuntime load(
      Path modelDir,
      Optional<String> lora,
      int maxContextLength,
      QuantizationPlan quantization,
      Backend backend)
      throws IOException {
    return load(modelDir, lora, maxContextLength, quantization, backend, Duration.ZERO);
  }

  /**
   * {@link #load(Path, Optional, int, QuantizationPlan, Backend)}, then, on the CPU engine, {@link
   * CpuForwardPass#warmUp} for {@code warmUp} (none when zero) while the tokenizer is still being
   * read on its own thread: the first forward of a large model is mostly page faults on the mapped
   * weights, which overlap the tokenizer's parse instead of following it.
   */
  public static ModelRuntime load(
      Path modelDir,
      Optional<String> lora,
      int maxContextLength,
      QuantizationPlan quantization,
      Backend backend,
      Duration warmUp)
      throws IOException {
    boolean own = lora.isEmpty();
    // The tokenizer (a real one's JSON is ~11 MB, ~0.7 s to parse) loads on another thread while
    // the checkpoint is opened and the engine built: it is on the way to the first token.
    FutureTask<Tokenizer> tokenizerLoad = new FutureTask<>(() -> Tokenizer.load(modelDir));
    Thread.ofPlatform().daemon().name("ndd-tokenizer-load").start(tokenizerLoad);
    Checkpoint checkpoint;
    try {
      checkpoint = Checkpoint.open(modelDir, own, quantization);
    } catch (IOException | RuntimeException e) {
      tokenizerLoad.cancel(true);
      throw e;
    }
    Arena arena = Arena.ofShared();
    ForwardPass model = null;
    try {
      ModelConfig config = checkpoint.config();
      Optional<DraftAdapter> adapter =
          own
              ? checkpoint.draftAdapter()
              : lora.get().equals("none")
                  ? Optional.empty()
                  : Optional.of(DraftAdapterDirectory.read(Path.of(lora.get()), config, arena));
      model = ForwardPassFactory.create(backend, config, checkpoint.weights(), adapter, System.err);
      if (!warmUp.isZero() && model instanceof CpuForwardPass cpu) {
        cpu.warmUp(warmUp);
      }
      Tokenizer tokenizer = loaded(tokenizerLoad);
      int context =
          maxContextLength <= 0
              ? config.maxPositionEmbeddings()
              : Math.min(maxContextLength, config.maxPositionEmbeddings());
      return new ModelRuntime(checkpoint, arena, tokenizer, model, context, adapter.isPresent());
    } catch (IOException | RuntimeException e) {
      tokenizerLoad.cancel(true);
      closeQuietly(model); // device memory goes back before the mapped weights do
      arena.close();
      checkpoint.close();
      throw e;
    }
  }

  /** The tokenizer the load thread read, or its failure as {@link Tokenizer#load} threw it. */
  private static Tokenizer loaded(FutureTask<Tokenizer> load) throws IOException {
    try {
      return load.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while loading the tokenizer", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException("loading the tokenizer failed: " + cause, cause);
    }
  }

  private static void closeQuietly(ForwardPass model) {
    if (model instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // the load's own failure is the error to report
      }
    }
  }

  /** The network. */
  public ForwardPass model() {
    return model;
  }

  /** The checkpoint's config. */
  public ModelConfig config() {
    return config;
  }

  /** The tokenizer. */
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  /** Longest prompt plus completion a request may have. */
  public int contextLength() {
    return contextLength;
  }

  /** Whether self-speculation drafts with a draft adapter. */
  public boolean hasDraftAdapter() {
    return draftAdapter;
  }

  /** Bytes of KV cache one position takes (K and V of every layer, fp32). */
  public long kvBytesPerPosition() {
    return config().kvBytesPerPosition();
  }

  /** The prompt of a chat, rendered with the checkpoint's template and encoded. */
  public int[] chatPrompt(List<ChatMessage> messages, boolean thinking) {
    return tokenizer.encode(tokenizer.chatTemplate().render(messages, thinking));
  }

  /**
   * How one request decodes.
   *
   * @param mode the decoding mode
   * @param maxTokens the budget; null for everything the context leaves
   * @param temperature 0 for greedy
   * @param topK 0 for all
   * @param topP 1 for all
   * @param seed the sampling seed
   * @param stop stop strings
   * @param ignoreEos whether the checkpoint's EOS ids do not stop generation
   * @param blockSize B of diffusion and self-speculation
   * @param threshold the diffusion reveal threshold
   */
  public record Options(
      DecodingMode mode,
      Integer maxTokens,
      double temperature,
      int topK,
      double topP,
      long seed,
      List<String> stop,
      boolean ignoreEos,
      int blockSize,
      double threshold) {}

  /**
   * A request ready for a decoder.
   *
   * @param prompt the prompt ids
   * @param sampling token choice and stop conditions, EOS merged in
   * @param decoder the mode's decoder
   * @param cachePositions KV positions the request needs at most
   */
  public record Plan(int[] prompt, SamplingParams sampling, Decoder decoder, int cachePositions) {}

  /**
   * Checks a request against the model's limits and builds its plan. Errors are {@link
   * RequestException}s naming the parameter, before anything large is allocated.
   */
  public Plan plan(int[] prompt, Options options) {
    if (prompt.length == 0) {
      throw new RequestException(
          "prompt", "the prompt encodes to no tokens; give a non-empty prompt");
    }
    for (int i = 0; i < prompt.length; i++) {
      if (prompt[i] < 0 || prompt[i] >= config().vocabSize()) {
        throw new RequestException(
            "prompt",
            "prompt token "
                + i
                + " is "
                + prompt[i]
                + ", outside the model's vocabulary [0, "
                + config().vocabSize()
                + ")");
      }
    }
    int room = contextLength - prompt.length;
    if (room < 1) {
      throw new RequestException(
          "prompt",
          "the prompt has "
              + prompt.length
              + " tokens; this model serves at most "
              + contextLength
              + " tokens of prompt and completion together: shorten the prompt");
    }
    int maxTokens = options.maxTokens() == null ? room : options.maxTokens();
    if (maxTokens > room) {
      throw new RequestException(
          "max_tokens",
          "max_tokens is "
              + maxTokens
              + " but the prompt has "
              + prompt.length
              + " tokens and the context holds "
              + contextLength
              + ": at most "
              + room
              + " tokens can be generated");
    }
    SamplingParams sampling;
    try {
      sampling =
          new SamplingParams(
              options.temperature(),
              options.topK(),
              options.topP(),
              options.seed(),
              maxTokens,
              List.of(),
              options.stop());
    } catch (IllegalArgumentException e) {
      throw new RequestException(null, e.getMessage());
    }
    if (!options.ignoreEos()) {
      List<Integer> eos = new ArrayList<>(config().eosTokenIds());
      tokenizer.eosTokenId().ifPresent(eos::add);
      sampling = sampling.withStopTokenIds(eos);
    }
    int block = options.blockSize();
    if (options.mode() != DecodingMode.AUTOREGRESSIVE && block > contextLength) {
      throw new RequestException(
          "block_size",
          "block size " + block + " exceeds the context of " + contextLength + " positions");
    }
    long rows = widestChunk(options.mode(), block, Math.min(prompt.length, PREFILL_ROWS_CHECKED));
    long bytes = forwardBytes(rows);
    long heap = Runtime.getRuntime().maxMemory();
    if (bytes > heap / 2) {
      throw new RequestException(
          "block_size",
          options.mode().cliName()
              + " with block size "
              + block
              + " runs "
              + rows
              + " rows in one forward, about "
              + bytes / (1 << 20)
              + " MiB of activations, more than half of the "
              + heap / (1 << 20)
              + " MiB heap: use a smaller block size"
              + (options.mode() == DecodingMode.QUADRATIC_SPEC
                  ? " (quadratic self-speculation runs B*(B+1) rows per round)"
                  : ""));
    }
    Decoder decoder;
    try {
      decoder = options.mode().decoder(block, options.threshold());
    } catch (IllegalArgumentException e) {
      throw new RequestException("mode", e.getMessage());
    }
    int positions = decoder.cacheCapacity(prompt.length, maxTokens);
    return new Plan(prompt, sampling, decoder, positions);
  }

  /** Rows of the widest forward a request makes (prefill rows are bounded by the chunking). */
  private static long widestChunk(DecodingMode mode, int block, int promptRows) {
    return switch (mode) {
      case AUTOREGRESSIVE -> promptRows;
      case DIFFUSION, LINEAR_SPEC -> Math.max(promptRows, block);
      case QUADRATIC_SPEC -> Math.max(promptRows + block, (long) block * (block + 1));
    };
  }

  /**
   * Heap a forward of {@code rows} rows takes: activations ({@code [rows, H]} x 4, q/attention
   * {@code [rows, heads*headDim]} x 2, k/v, {@code [rows, I]} x 2), the attention mask ({@code
   * rows^2} booleans) and the logits of every row at worst.
   */
  long forwardBytes(long rows) {
    ModelConfig c = config();
    long perRow =
        4L
            * (4L * c.hiddenSize()
                + 2L * c.queryWidth()
                + 2L * c.kvWidth()
                + 2L * c.intermediateSize()
                + c.vocabSize());
    return rows * perRow + rows * rows;
  }

  @Override
  public void close() {
    if (model instanceof CudaForwardPass gpu) {
      gpu.close(); // device memory goes back before the mapped weights do
    }
    arena.close();
    checkpoint.close();
  }
}
