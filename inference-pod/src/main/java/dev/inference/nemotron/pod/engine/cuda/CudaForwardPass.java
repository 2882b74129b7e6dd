package dev.inference.nemotron.pod.engine.cuda;

import dev.inference.nemotron.kernels.cuda.PtxLibrary;
import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.KvPool;
import dev.inference.nemotron.pod.engine.Logits;
import dev.inference.nemotron.pod.engine.SequenceChunk;
import dev.inference.nemotron.pod.engine.cpu.RotaryEmbedding;
import dev.inference.nemotron.pod.model.DraftAdapter;
import dev.inference.nemotron.pod.model.LayerWeights;
import dev.inference.nemotron.pod.model.ModelConfig;
import dev.inference.nemotron.pod.model.ModelWeights;
import dev.inference.nemotron.pod.model.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import jcuda.driver.CUdeviceptr;

/**
 * The network of MODEL.md §4 on one NVIDIA GPU: weights uploaded once from the memory-mapped
 * checkpoint, a paged fp32 KV pool on the device, activations fp32, and every chunk of a batch run
 * as one {@code [N, H]} activation matrix through the projections and the MLP (each weight read
 * once for all rows); attention and KV writes run per sequence. The logits stay on the device
 * ({@link DeviceLogits}): decoders pick there and only the picked ids and confidences come back,
 * plus any row a caller reads whole. Forwards are serialized (one stream).
 */
public final class CudaForwardPass implements ForwardPass, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(CudaForwardPass.class.getName());

  private final ModelConfig config;
  private final ModelDims dims;
  private final CudaRuntime cuda;
  private final DeviceMatmul matmul;
  private final Workspace ws;
  private final KvPages kvPages;
  private final MemoryPlan plan;
  private final List<DeviceLayer> layers;
  private final Tensor embedTokens;
  private final CUdeviceptr embed;
  private final CUdeviceptr finalNorm;
  private final DeviceMatrix lmHead;
  private final CUdeviceptr inverseFrequencies;
  private final float attentionFactor;
  private final Optional<DeviceAdapter> adapter;
  private final DecodeGraphs graphs;
  private CUdeviceptr args;
  private int argsCapacity;
  private final DeviceLogitsPicker picker;
  private long forwards; // forwards run: the logits of older ones are no longer on the device

  private record DeviceLayer(
      CUdeviceptr inputNorm,
      DeviceMatrix q,
      DeviceMatrix k,
      DeviceMatrix v,
      DeviceMatrix o,
      CUdeviceptr postAttentionNorm,
      DeviceMatrix gate,
      DeviceMatrix up,
      DeviceMatrix down) {}

  private record DeviceAdapter(float scale, int rank, List<CUdeviceptr> a, List<CUdeviceptr> b) {}

  /**
   * Loads the model onto the probed device, after checking the memory plan against its free memory.
   *
   * @param kvPositions positions of the device KV pool (0: as many as fit)
   * @param maxRows the largest forward planned for (rows of all sequences of a batch)
   * @throws IllegalStateException when CUDA is not usable here or the plan does not fit
   */
  public CudaForwardPass(
      ModelConfig config,
      ModelWeights weights,
      Optional<DraftAdapter> draft,
      long kvPositions,
      int maxRows) {
    CudaProbe.Result probe = CudaProbe.probe();
    DeviceProfile device =
        probe
            .device()
            .orElseThrow(
                () -> new IllegalStateException("the CUDA backend cannot run: " + probe.reason()));
    this.config = config;
    this.dims = ModelDims.of(config);
    MemoryPlan.Weights weightBytes = deviceWeights(weights, draft);
    int maxLogitRows = Math.min(maxRows, 64);
    long positions =
        kvPositions > 0
            ? kvPositions
            : MemoryPlan.kvPositionsThatFit(
                dims,
                weightBytes,
                maxRows,
                maxLogitRows,
                (long) (device.freeBytes() * KV_SHARE_OF_FREE));
    this.plan = MemoryPlan.of(dims, weightBytes, positions, maxRows, maxLogitRows);
    plan.requireFits(device.name(), device.freeBytes(), device.totalBytes());

    this.cuda = new CudaRuntime(device, PtxLibrary.onClassPath());
    try {
      this.matmul = new DeviceMatmul(cuda, plan.dequantizeBytes());
      this.ws = new Workspace(cuda, dims);
      List<DeviceLayer> uploaded = new ArrayList<>();
      long start = System.nanoTime();
      try (WeightUploader up = new WeightUploader(cuda)) {
        this.embedTokens = weights.embedTokens();
        this.embed = up.matrix(weights.embedTokens()).data();
        for (LayerWeights lw : weights.layers()) {
          uploaded.add(
              new DeviceLayer(
                  up.floats(lw.inputNorm()),
                  up.matrix(lw.qProj()),
                  up.matrix(lw.kProj()),
                  up.matrix(lw.vProj()),
                  up.matrix(lw.oProj()),
                  up.floats(lw.postAttentionNorm()),
                  up.matrix(lw.gateProj()),
                  up.matrix(lw.upProj()),
                  up.matrix(lw.downProj())));
        }
        this.finalNorm = up.floats(weights.finalNorm());
        this.lmHead = up.matrix(weights.lmHead());
        this.adapter =
            draft.map(
                d ->
                    new DeviceAdapter(
                        (float) d.scale(),
                        d.rank(),
                        d.loraA().stream().map(up::floats).toList(),
                        d.loraB().stream().map(up::floats).toList()));
        LOG.info(
            String.format(
                "CUDA: %s (compute %s, PTX sm_%d): %s of weights uploaded in %.1f s; KV pool %d"
                    + " positions (%s)",
                device.name(),
                device.computeCapability(),
                cuda.architecture(),
                MemoryPlan.gib(up.uploadedBytes()),
                (System.nanoTime() - start) / 1e9,
                plan.kvPositions(),
                MemoryPlan.gib(plan.kvBytes())));
      }
      this.layers = List.copyOf(uploaded);
      this.graphs = new DecodeGraphs(cuda, layerMatrices(layers));
      double[] exact = RotaryEmbedding.inverseFrequencies(config.rope(), config.headDim());
      float[] inv = new float[exact.length];
      for (int i = 0; i < inv.length; i++) {
        inv[i] = (float) exact[i];
      }
      this.inverseFrequencies = cuda.allocate((long) inv.length * Float.BYTES);
      cuda.upload(inv, inverseFrequencies);
      this.attentionFactor = (float) RotaryEmbedding.attentionFactor(config.rope());
      this.kvPages = new KvPages(cuda, dims.layers(), dims.kvWidth(), plan.kvPositions());
      ws.ensure(Math.min(maxRows, 64), Math.min(maxLogitRows, 8));
      this.picker = new DeviceLogitsPicker(cuda, dims.vocab());
    } catch (RuntimeException e) {
      cuda.close();
      throw e;
    }
  }

  /** KV positions a GPU must hold beyond the weights for the model to count as fitting. */
  public static final int MIN_KV_POSITIONS = 4096;

  /** Share of the free memory the KV pool may fill when sized automatically. */
  private static final double KV_SHARE_OF_FREE = 0.95;

  /**
   * Why the model does not fit on {@code device} (weights, a workspace for {@code
   * ForwardPassFactory.CUDA_PLANNED_ROWS} rows and {@link #MIN_KV_POSITIONS} KV positions), or
   * empty when it does.
   */
  public static Optional<String> fitProblem(
      ModelConfig config,
      ModelWeights weights,
      Optional<DraftAdapter> draft,
      DeviceProfile device) {
    ModelDims dims = ModelDims.of(config);
    MemoryPlan plan =
        MemoryPlan.of(dims, deviceWeights(weights, draft), MIN_KV_POSITIONS, 2048, 64);
    try {
      plan.requireFits(device.name(), device.freeBytes(), device.totalBytes());
      return Optional.empty();
    } catch (IllegalStateException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * Device bytes the weights take (matrices in their device format, quantized ones as codes plus
   * scales, vectors fp32) and the dequantization tile their quantized matrices need.
   */
  static MemoryPlan.Weights deviceWeights(ModelWeights w, Optional<DraftAdapter> draft) {
    long largestQuantized = 0;
    for (Tensor t : allMatrices(w)) {
      if (t.isQuantized()) {
        largestQuantized = Math.max(largestQuantized, t.elementCount());
      }
    }
    return new MemoryPlan.Weights(
        deviceWeightBytes(w, draft),
        largestQuantized == 0 ? 0 : DequantizeTiles.bufferBytes(largestQuantized));
  }

  private static List<Tensor> allMatrices(ModelWeights w) {
    List<Tensor> out = new ArrayList<>();
    out.add(w.lmHead());
    for (LayerWeights lw : w.layers()) {
      out.addAll(lw.projections());
    }
    return out;
  }

  /** Device bytes the weights take (matrices in their device format, vectors fp32). */
  static long deviceWeightBytes(ModelWeights w, Optional<DraftAdapter> draft) {
    long bytes = matrixBytes(w.embedTokens()) + matrixBytes(w.lmHead());
    bytes += w.finalNorm().elementCount() * Float.BYTES;
    for (LayerWeights lw : w.layers()) {
      for (Tensor t :
          List.of(
              lw.qProj(),
              lw.kProj(),
              lw.vProj(),
              lw.oProj(),
              lw.gateProj(),
              lw.upProj(),
              lw.downProj())) {
        bytes += matrixBytes(t);
      }
      bytes +=
          (lw.inputNorm().elementCount() + lw.postAttentionNorm().elementCount()) * Float.BYTES;
    }
    if (draft.isPresent()) {
      for (Tensor t : draft.get().loraA()) {
        bytes += t.elementCount() * Float.BYTES;
      }
      for (Tensor t : draft.get().loraB()) {
        bytes += t.elementCount() * Float.BYTES;
      }
    }
    return bytes;
  }

  private static long matrixBytes(Tensor t) {
    return DeviceMatrix.deviceBytes(t);
  }

  /** The memory plan the model was loaded with. */
  public MemoryPlan plan() {
    return plan;
  }

  /** The device it runs on. */
  public DeviceProfile device() {
    return cuda.device();
  }

  /** The config the network was built from. */
  public ModelConfig config() {
    return config;
  }

  @Override
  public int vocabularySize() {
    return config.vocabSize();
  }

  @Override
  public int maskTokenId() {
    return config.maskTokenId();
  }

  @Override
  public boolean hasDraftAdapter() {
    return adapter.isPresent();
  }

  @Override
  public KvCache newCache(int capacity) {
    return new CudaKvCache(kvPages, capacity, KvPool.unbounded());
  }

  @Override
  public KvCache newCache(int capacity, KvPool pool) {
    return new CudaKvCache(kvPages, capacity, pool);
  }

  @Override
  public Logits forward(KvCache cache, Chunk chunk) {
    return forward(List.of(new SequenceChunk(cache, chunk))).get(0);
  }

  /** Where one sequence's inputs sit in the forward's uploaded int arguments. */
  private record SequenceArgs(
      int rowStart,
      int rows,
      int past,
      int lo,
      int hi,
      int bitsOffset,
      int bits,
      int pageTable,
      int writeRows,
      int writes) {}

  @Override
  public synchronized List<Logits> forward(List<SequenceChunk> batch) {
    if (batch.isEmpty()) {
      return List.of();
    }
    ForwardPass.requireDistinctCaches(batch);
    cuda.bind();
    graphs.recover();
    forwards++; // from here on the previous forward's device logits may be overwritten
    int s = batch.size();
    CudaKvCache[] caches = new CudaKvCache[s];
    int n = 0;
    for (int i = 0; i < s; i++) {
      caches[i] = requireOwnCache(batch.get(i).cache());
      batch.get(i).chunk().checkAgainst(caches[i], config.vocabSize());
      n += batch.get(i).chunk().length();
    }
    // One int upload per forward: tokens, positions, adapter and logit rows, then per sequence
    // its compact mask, page table and written rows.
    IntArena ints = new IntArena();
    int tokensAt = ints.size();
    int[] rowStart = new int[s + 1];
    for (int i = 0; i < s; i++) {
      ints.add(batch.get(i).chunk().tokens());
      rowStart[i + 1] = rowStart[i] + batch.get(i).chunk().length();
    }
    int positionsAt = ints.size();
    for (SequenceChunk sc : batch) {
      ints.add(sc.chunk().positions());
    }
    List<Integer> adapterList = new ArrayList<>();
    List<Integer> logitList = new ArrayList<>();
    List<Integer> lateList = new ArrayList<>();
    SequenceArgs[] seq = new SequenceArgs[s];
    for (int i = 0; i < s; i++) {
      Chunk c = batch.get(i).chunk();
      if (adapter.isPresent()) {
        for (int r : c.adapterRows()) {
          adapterList.add(rowStart[i] + r);
        }
      }
      for (int r : c.logitRows()) {
        logitList.add(rowStart[i] + r);
      }
      for (int r : c.lateLogitRows()) {
        lateList.add(rowStart[i] + r);
      }
      int past = caches[i].length();
      caches[i].reserve(past + c.writeRows().length);
      CompactMask mask = CompactMask.of(c.mask(), c.length());
      int lo = ints.add(mask.lo());
      int hi = ints.add(mask.hi());
      int off = ints.add(mask.bitsOffset());
      int bits = ints.add(mask.bits().length == 0 ? new int[1] : mask.bits());
      int table = ints.add(caches[i].pageTable());
      int writes = ints.add(c.writeRows());
      seq[i] =
          new SequenceArgs(
              rowStart[i],
              c.length(),
              past,
              lo,
              hi,
              off,
              bits,
              table,
              writes,
              c.writeRows().length);
    }
    int[] adapterRows = adapterList.stream().mapToInt(Integer::intValue).toArray();
    int adapterAt = ints.add(adapterRows);
    int[] logitRows = logitList.stream().mapToInt(Integer::intValue).toArray();
    int logitAt = ints.add(logitRows);
    int[] lateRows = lateList.stream().mapToInt(Integer::intValue).toArray();
    int lateAt = ints.add(lateRows);
    ws.ensure(n, logitRows.length);
    CUdeviceptr a = uploadArgs(ints.toArray());
    // A settled decode shape is captured into a CUDA graph from here to the last layer.
    graphs.begin(
        DecodeGraphPolicy.shape(n, graphs.gemvOnly(), adapterRows.length, rowsAndWrites(seq)));

    int hidden = dims.hidden();
    cuda.launch(
        CudaKernel.EMBED,
        LaunchGeometry.perRow(n, hidden),
        embed,
        embedTokens.dtype() == dev.inference.nemotron.pod.model.DType.BF16 ? 0 : 1,
        at(a, tokensAt),
        ws.h,
        hidden);
    float scale = (float) (1.0 / Math.sqrt(dims.headDim()));
    for (int l = 0; l < layers.size(); l++) {
      DeviceLayer layer = layers.get(l);
      norm(ws.h, layer.inputNorm(), n, ws.x);
      matmul.apply(layer.q(), ws.x, n, ws.q, false, ws.split);
      matmul.apply(layer.k(), ws.x, n, ws.k, false, ws.split);
      matmul.apply(layer.v(), ws.x, n, ws.v, false, ws.split);
      rope(ws.q, at(a, positionsAt), n, dims.heads(), true);
      rope(ws.k, at(a, positionsAt), n, dims.kvHeads(), false);
      for (SequenceArgs sa : seq) {
        cuda.launch(
            CudaKernel.ATTENTION,
            LaunchGeometry.attention(sa.rows(), dims.heads(), dims.kvHeads(), dims.headDim()),
            ws.q,
            ws.k,
            ws.v,
            kvPages.keys(l),
            kvPages.values(l),
            at(a, sa.pageTable()),
            sa.past(),
            MemoryPlan.PAGE_SIZE,
            at(a, sa.lo()),
            at(a, sa.hi()),
            at(a, sa.bitsOffset()),
            at(a, sa.bits()),
            sa.rowStart(),
            sa.rows(),
            dims.heads(),
            dims.kvHeads(),
            dims.headDim(),
            scale,
            ws.att);
      }
      if (adapterRows.length > 0) {
        matmul.apply(layer.o(), ws.att, n, ws.delta, false, ws.split);
        lora(l, at(a, adapterAt), adapterRows.length);
        cuda.launch(
            CudaKernel.ADD,
            LaunchGeometry.elementwise((long) n * hidden),
            ws.h,
            ws.delta,
            (long) n * hidden);
      } else {
        matmul.apply(layer.o(), ws.att, n, ws.h, true, ws.split);
      }
      // Written after this layer's attention, which reads the chunk's own K/V from ws.k/ws.v and
      // the cache only below each sequence's past length.
      for (SequenceArgs sa : seq) {
        if (sa.writes() > 0) {
          cuda.launch(
              CudaKernel.KV_WRITE,
              LaunchGeometry.kvRows(sa.writes(), dims.kvWidth()),
              ws.k,
              ws.v,
              kvPages.keys(l),
              kvPages.values(l),
              at(a, sa.pageTable()),
              at(a, sa.writeRows()),
              sa.rowStart(),
              sa.past(),
              MemoryPlan.PAGE_SIZE,
              dims.kvWidth());
        }
      }
      norm(ws.h, layer.postAttentionNorm(), n, ws.x);
      matmul.apply(layer.gate(), ws.x, n, ws.gate, false, ws.split);
      matmul.apply(layer.up(), ws.x, n, ws.up, false, ws.split);
      long mlp = (long) n * dims.intermediate();
      cuda.launch(CudaKernel.SWIGLU, LaunchGeometry.elementwise(mlp), ws.gate, ws.up, mlp);
      matmul.apply(layer.down(), ws.gate, n, ws.h, true, ws.split);
    }
    if (!graphs.end()) {
      return forward(batch); // the graph API failed and graphs are now off: launch it plainly
    }
    for (int i = 0; i < s; i++) {
      caches[i].extendTo(seq[i].past() + seq[i].writes());
    }
    headRows(at(a, logitAt), logitRows.length);
    float[] kept = normedRows(at(a, lateAt), lateRows.length);
    cuda.synchronize(); // the forward is done (and its errors raised) when it returns
    return split(batch, kept);
  }

  /** Final norm and LM head for the gathered rows, into the workspace's logits (on the device). */
  private void headRows(CUdeviceptr rows, int m) {
    if (m == 0) {
      return;
    }
    gatherNormed(rows, m);
    matmul.apply(lmHead, ws.normed, m, ws.logits, false, ws.split);
  }

  /** The final-normed hidden states of the late rows, kept on the host ({@code [m * H]}). */
  private float[] normedRows(CUdeviceptr rows, int m) {
    if (m == 0) {
      return new float[0];
    }
    gatherNormed(rows, m);
    float[] out = new float[m * dims.hidden()];
    cuda.download(ws.normed, 0, out);
    return out;
  }

  private void gatherNormed(CUdeviceptr rows, int m) {
    cuda.launch(
        CudaKernel.GATHER_ROWS,
        LaunchGeometry.perRow(m, dims.hidden()),
        ws.h,
        rows,
        ws.x,
        dims.hidden());
    norm(ws.x, finalNorm, m, ws.normed);
  }

  /**
   * The LM head over normed rows a decoder reads late (uploaded again, one matmul), on the host.
   */
  synchronized float[][] lateLogits(float[] normed) {
    int m = normed.length / dims.hidden();
    CUdeviceptr out = lateLogitsOnDevice(normed);
    float[] flat = new float[m * dims.vocab()];
    cuda.download(out, 0, flat);
    return rows(flat, m);
  }

  /**
   * The LM head over normed rows a decoder picks from late, into the picker's late buffer (not the
   * forward's logits, which other sequences of the batch have yet to pick from).
   */
  synchronized CUdeviceptr lateLogitsOnDevice(float[] normed) {
    cuda.bind();
    int m = normed.length / dims.hidden();
    ws.ensure(m, 0);
    CUdeviceptr out = picker.lateLogits(m);
    cuda.upload(normed, ws.normed); // on the forward's stream, landed when it returns
    matmul.apply(lmHead, ws.normed, m, out, false, ws.split);
    return out;
  }

  /** One row of a {@code [*, vocab]} logit matrix on the device, copied to the host. */
  synchronized float[] readLogitRow(CUdeviceptr logits, int row) {
    cuda.bind();
    float[] out = new float[dims.vocab()];
    cuda.download(logits, (long) row * dims.vocab() * Float.BYTES, out);
    return out;
  }

  /** The last forward's logit rows ({@code [logit rows, vocab]}, valid until the next forward). */
  synchronized CUdeviceptr eagerLogits() {
    cuda.bind();
    return ws.logits;
  }

  /** How many forwards have run: {@link DeviceLogits} of an older one are stale. */
  synchronized long forwardCount() {
    return forwards;
  }

  synchronized DeviceLogitsPicker picker() {
    cuda.bind();
    return picker;
  }

  /**
   * Each sequence's logits, left on the device: eager rows at their place in the workspace's
   * logits, late rows as the host copy of their normed hidden states.
   */
  private List<Logits> split(List<SequenceChunk> batch, float[] kept) {
    int hidden = dims.hidden();
    List<Logits> out = new ArrayList<>(batch.size());
    int e = 0;
    int k = 0;
    for (SequenceChunk sc : batch) {
      Chunk c = sc.chunk();
      int[] late = c.lateLogitRows();
      float[] myKept = Arrays.copyOfRange(kept, k * hidden, (k + late.length) * hidden);
      k += late.length;
      out.add(
          new Logits(
              c.logitRows(),
              late,
              new DeviceLogits(this, forwards, e, c.logitRows(), late, myKept)));
      e += c.logitRows().length;
    }
    return out;
  }

  private float[][] rows(float[] flat, int m) {
    int vocab = dims.vocab();
    float[][] out = new float[m][];
    for (int i = 0; i < m; i++) {
      out[i] = Arrays.copyOfRange(flat, i * vocab, (i + 1) * vocab);
    }
    return out;
  }

  private void norm(CUdeviceptr in, CUdeviceptr weight, int n, CUdeviceptr out) {
    cuda.launch(
        CudaKernel.RMSNORM,
        LaunchGeometry.perRow(n, dims.hidden()),
        in,
        weight,
        out,
        dims.hidden(),
        config.rmsNormEps());
  }

  private void rope(CUdeviceptr x, CUdeviceptr positions, int n, int heads, boolean query) {
    cuda.launch(
        CudaKernel.ROPE,
        LaunchGeometry.rope(n, heads, dims.headDim()),
        x,
        positions,
        inverseFrequencies,
        heads,
        dims.headDim(),
        attentionFactor,
        (float) config.rope().llama4ScalingBeta(),
        config.rope().originalMaxPositionEmbeddings(),
        query ? 1 : 0);
  }

  /** delta[rows] += scale * B (A att[rows]) for the adapter rows (the low-rank update). */
  private void lora(int layer, CUdeviceptr rows, int count) {
    DeviceAdapter d = adapter.orElseThrow();
    CUdeviceptr t = ws.split; // [count, rank] fp32: free between matmuls
    cuda.launch(
        CudaKernel.LORA_DOWN,
        LaunchGeometry.lora(d.rank(), count),
        d.a().get(layer),
        ws.att,
        rows,
        t,
        d.rank(),
        dims.queryWidth());
    cuda.launch(
        CudaKernel.LORA_UP,
        LaunchGeometry.lora(dims.hidden(), count),
        d.b().get(layer),
        t,
        rows,
        ws.delta,
        dims.hidden(),
        d.rank(),
        d.scale());
  }

  private CUdeviceptr uploadArgs(int[] values) {
    if (values.length > argsCapacity) {
      if (args != null) {
        cuda.synchronize(); // no queued kernel may still read the buffer freed here
        cuda.free(args);
      }
      argsCapacity = Math.max(values.length, 2 * argsCapacity);
      args = cuda.allocate((long) argsCapacity * Integer.BYTES);
    }
    // Stream-ordered: after every kernel that may still read the old arguments.
    cuda.upload(values, args);
    return args;
  }

  private static CUdeviceptr at(CUdeviceptr base, int intOffset) {
    return base.withByteOffset((long) intOffset * Integer.BYTES);
  }

  private CudaKvCache requireOwnCache(KvCache cache) {
    if (!(cache instanceof CudaKvCache c) || c.pages() != kvPages) {
      throw new IllegalArgumentException(
          "the KV cache was not created by this forward pass's newCache(): " + cache);
    }
    return c;
  }

  /** Each sequence's chunk rows and written positions, the part of a graph's shape it decides. */
  private static int[] rowsAndWrites(SequenceArgs[] seq) {
    int[] out = new int[2 * seq.length];
    for (int i = 0; i < seq.length; i++) {
      out[2 * i] = seq[i].rows();
      out[2 * i + 1] = seq[i].writes();
    }
    return out;
  }

  private static List<DeviceMatrix> layerMatrices(List<DeviceLayer> layers) {
    List<DeviceMatrix> out = new ArrayList<>();
    for (DeviceLayer l : layers) {
      out.addAll(List.of(l.q(), l.k(), l.v(), l.o(), l.gate(), l.up(), l.down()));
    }
    return out;
  }

  /** How many forwards ran as CUDA graphs (for logs and benchmarks). */
  public String graphSummary() {
    return graphs.summary();
  }

  @Override
  public synchronized void close() {
    cuda.bind();
    graphs.close();
    picker.close();
    cuda.close();
  }

  /** A growing int array whose {@link #add} returns where the added values start. */
  private static final class IntArena {
    private int[] values = new int[256];
    private int size;

    int add(int[] more) {
      int at = size;
      if (size + more.length > values.length) {
        values = Arrays.copyOf(values, Math.max(size + more.length, 2 * values.length));
      }
      System.arraycopy(more, 0, values, size, more.length);
      size += more.length;
      return at;
    }

    int size() {
      return size;
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
