package dev.inference.nemotron.operator.desired;

import dev.inference.nemotron.operator.config.GpuPlacement;
import dev.inference.nemotron.operator.sizing.GpuClass;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import java.util.List;

/**
 * Node selection from the GPU class, as the operator's {@code gpu-placement} setting says for it
 * ({@link GpuPlacement}): by default a required node affinity on GPU Feature Discovery's {@code
 * nvidia.com/gpu.product} label, with every spelling of the class (a plain nodeSelector could match
 * only one); for {@code resource-only} none, and the pod's {@code nvidia.com/gpu} request alone
 * decides where it runs.
 */
public final class NodePlacement {

  private NodePlacement() {}

  /** The affinity for {@code gpuClass} under {@code placements}; none for the CPU class. */
  public static Affinity affinity(GpuClass gpuClass, List<GpuPlacement> placements) {
    if (!gpuClass.isAccelerator()) {
      return null;
    }
    List<String> products = GpuPlacement.of(gpuClass, placements).nodeLabels(gpuClass);
    if (products.isEmpty()) {
      return null;
    }
    return new AffinityBuilder()
        .withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm()
        .addNewMatchExpression()
        .withKey(InferencePodTemplate.GPU_PRODUCT_LABEL)
        .withOperator("In")
        .withValues(products)
        .endMatchExpression()
        .endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution()
        .endNodeAffinity()
        .build();
  }
}
