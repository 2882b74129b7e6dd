package dev.inference.nemotron.operator.desired;

import dev.inference.nemotron.operator.sizing.GpuClass;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;

/**
 * Node selection from the GPU class: a required node affinity on GPU Feature Discovery's {@code
 * nvidia.com/gpu.product} label, with every spelling of the class (a plain nodeSelector could match
 * only one).
 */
public final class NodePlacement {

  private NodePlacement() {}

  /** The affinity for {@code gpuClass}; none for the CPU class. */
  public static Affinity affinity(GpuClass gpuClass) {
    if (!gpuClass.isAccelerator()) {
      return null;
    }
    return new AffinityBuilder()
        .withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm()
        .addNewMatchExpression()
        .withKey(InferencePodTemplate.GPU_PRODUCT_LABEL)
        .withOperator("In")
        .withValues(gpuClass.productLabels())
        .endMatchExpression()
        .endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution()
        .endNodeAffinity()
        .build();
  }
}
