package dev.inference.nemotron.pod.engine.cuda;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import jcuda.CudaException;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUgraphExecUpdateResult;
import jcuda.driver.CUgraphNode;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.JCudaDriver;

/**
 * The decode step as a CUDA graph: a forward of a settled, graphable shape ({@link
 * DecodeGraphPolicy}) is recorded by stream capture instead of launched, and the shape's executable
 * graph is updated with the recording ({@code cuGraphExecUpdate}) and launched: one submission for
 * the few hundred kernels of a step, without the per-kernel launch gaps on the GPU.
 *
 * <p>Why capture and update every step rather than replay one recording: the attention and KV-write
 * kernels take each sequence's cache length by value, and the forward's argument buffer (tokens,
 * positions, masks, page tables) changes its layout as page tables grow, so a recording is only
 * valid for the step it was made in. Capture records the launches without submitting them, and an
 * update of a same-shaped graph patches kernel parameters in place, which is far cheaper than
 * instantiating. Replaying without re-capturing would need every per-step value in device memory
 * (the cache length read by the attention kernel, a fixed argument layout), a later step.
 *
 * <p>The JCuda 12.6.0 driver API used: {@code cuStreamBeginCapture(CUstream, int)}, {@code
 * cuStreamEndCapture(CUstream, CUgraph)}, {@code cuGraphInstantiate(CUgraphExec, CUgraph, long)},
 * {@code cuGraphExecUpdate(CUgraphExec, CUgraph, CUgraphNode, int[])}, {@code
 * cuGraphLaunch(CUgraphExec, CUstream)}, {@code cuGraphDestroy}, {@code cuGraphExecDestroy}.
 *
 * <p>{@code ndd.cuda.graph=off} turns graphs off. Any failure of the graph API (a CUDA error, or a
 * JCuda binding missing from the native library: none of this has run on a GPU yet) turns them off
 * for the pass, logged once with the reason, and the forward runs again as plain launches.
 */
final class DecodeGraphs implements AutoCloseable {
  /** The property turning graphs on (default) or off. */
  static final String PROPERTY = "ndd.cuda.graph";

  /** Forwards of one shape in a row before it is captured. */
  static final int SETTLE_AFTER = 2;

  /** Executable graphs kept. */
  static final int CAPACITY = 4;

  private static final Logger LOG = Logger.getLogger(DecodeGraphs.class.getName());

  private final CudaRuntime cuda;
  private final DecodeGraphPolicy policy;
  private final boolean gemvOnly;
  private final Map<List<Integer>, CUgraphExec> executables = new HashMap<>();
  private List<Integer> capturing;
  private long graphLaunches;
  private long updates;
  private long instantiations;

  /**
   * @param matrices the matrices a forward's captured part multiplies by (the layers'; the LM head
   *     runs after the graph)
   */
  DecodeGraphs(CudaRuntime cuda, List<DeviceMatrix> matrices) {
    this.cuda = cuda;
    this.policy = new DecodeGraphPolicy(enabled(), SETTLE_AFTER, CAPACITY);
    this.gemvOnly = gemvOnly(matrices);
  }

  /** Whether {@code ndd.cuda.graph} leaves graphs on ({@code on}, the default, or {@code off}). */
  static boolean enabled() {
    String value = System.getProperty(PROPERTY, "on");
    return switch (value) {
      case "on" -> true;
      case "off" -> false;
      default ->
          throw new IllegalArgumentException(PROPERTY + " must be on or off, got '" + value + "'");
    };
  }

  /** Whether every one of {@code matrices} takes a GEMV route at up to 8 rows (no cuBLAS). */
  static boolean gemvOnly(List<DeviceMatrix> matrices) {
    for (DeviceMatrix m : matrices) {
      int block = m.quantized() ? m.scales().blockSize() : 0;
      DeviceMatmul.Route r =
          DeviceMatmul.Route.of(m.format(), LaunchGeometry.GEMV_MAX_ROWS, m.columns(), block);
      if (r != DeviceMatmul.Route.GEMV && r != DeviceMatmul.Route.GEMV_QUANTIZED) {
        return false;
      }
    }
    return true;
  }

  boolean gemvOnly() {
    return gemvOnly;
  }

  /**
   * Ends a capture a failed forward left open (an exception between {@link #begin} and {@link
   * #end}), so that the stream can be used again, and turns graphs off.
   */
  void recover() {
    if (capturing == null) {
      return;
    }
    capturing = null;
    CUgraph graph = new CUgraph();
    try {
      JCudaDriver.cuStreamEndCapture(cuda.stream(), graph);
      destroy(graph);
    } catch (CudaException | LinkageError e) {
      // the capture was invalidated: there is no graph to destroy
    }
    disable("a forward failed while being captured");
  }

  /**
   * Starts capturing the forward about to be launched when its shape calls for it; otherwise the
   * launches that follow run as usual.
   */
  void begin(Optional<List<Integer>> shape) {
    DecodeGraphPolicy.Action action = policy.next(shape);
    if (action == DecodeGraphPolicy.Action.EAGER) {
      return;
    }
    try {
      JCudaDriver.cuStreamBeginCapture(
          cuda.stream(), CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
      capturing = shape.orElseThrow();
    } catch (CudaException | LinkageError e) {
      disable("cuStreamBeginCapture failed: " + e.getMessage());
    }
  }

  /**
   * Ends the capture begun by {@link #begin}, if any, and launches the shape's executable graph,
   * updated with it (instantiated when new or when the update is refused).
   *
   * @return false when the captured launches have not run (the graph API failed; graphs are now
   *     off), so the forward must be launched again
   */
  boolean end() {
    if (capturing == null) {
      return true;
    }
    List<Integer> shape = capturing;
    capturing = null;
    CUgraph graph = new CUgraph();
    try {
      JCudaDriver.cuStreamEndCapture(cuda.stream(), graph);
    } catch (CudaException | LinkageError e) {
      disable("cuStreamEndCapture failed: " + e.getMessage());
      return false;
    }
    try {
      CUgraphExec exec = executables.get(shape);
      if (exec != null && !update(exec, graph)) {
        JCudaDriver.cuGraphExecDestroy(exec);
        executables.remove(shape);
        exec = null;
      }
      if (exec == null) {
        exec = new CUgraphExec();
        JCudaDriver.cuGraphInstantiate(exec, graph, 0L);
        instantiations++;
        executables.put(shape, exec);
        policy
            .instantiated(shape)
            .ifPresent(old -> JCudaDriver.cuGraphExecDestroy(executables.remove(old)));
      }
      JCudaDriver.cuGraphLaunch(exec, cuda.stream());
      graphLaunches++;
      return true;
    } catch (CudaException | LinkageError e) {
      disable("the CUDA graph API failed: " + e.getMessage());
      return false;
    } finally {
      destroy(graph);
    }
  }

  /** Frees a recording (an executable graph made from it does not need it). */
  private static void destroy(CUgraph graph) {
    try {
      JCudaDriver.cuGraphDestroy(graph);
    } catch (CudaException | LinkageError e) {
      // nothing more can be done about a recording the driver will not free
    }
  }

  /** Patches {@code exec} with {@code graph}'s parameters; false when the driver refuses. */
  private boolean update(CUgraphExec exec, CUgraph graph) {
    int[] result = {CUgraphExecUpdateResult.CU_GRAPH_EXEC_UPDATE_ERROR};
    try {
      JCudaDriver.cuGraphExecUpdate(exec, graph, new CUgraphNode(), result);
    } catch (CudaException | LinkageError e) {
      return false; // e.g. a topology the shape key did not foresee: instantiate anew
    }
    if (result[0] != CUgraphExecUpdateResult.CU_GRAPH_EXEC_UPDATE_SUCCESS) {
      return false;
    }
    updates++;
    return true;
  }

  private void disable(String reason) {
    if (policy.disabledBecause().isEmpty()) {
      LOG.warning("CUDA graphs are off for this model: " + reason + "; forwards run as launches");
    }
    policy.disable(reason);
  }

  /** {@code graphs: 120 launches, 2 instantiated, 118 updated} (for logs and benchmarks). */
  String summary() {
    return "graphs: "
        + graphLaunches
        + " launches, "
        + instantiations
        + " instantiated, "
        + updates
        + " updated"
        + policy.disabledBecause().map(r -> " (off: " + r + ")").orElse("");
  }

  @Override
  public void close() {
    for (CUgraphExec exec : executables.values()) {
      JCudaDriver.cuGraphExecDestroy(exec);
    }
    executables.clear();
  }
}
