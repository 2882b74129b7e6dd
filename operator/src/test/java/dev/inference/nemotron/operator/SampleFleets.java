package dev.inference.nemotron.operator;

import dev.inference.nemotron.api.v1alpha1.CachePvc;
import dev.inference.nemotron.api.v1alpha1.GpuClass;
import dev.inference.nemotron.api.v1alpha1.GpuSpec;
import dev.inference.nemotron.api.v1alpha1.ModelCache;
import dev.inference.nemotron.api.v1alpha1.ModelSize;
import dev.inference.nemotron.api.v1alpha1.ModelSource;
import dev.inference.nemotron.api.v1alpha1.ModelSpec;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentSpec;
import dev.inference.nemotron.api.v1alpha1.Quantization;
import dev.inference.nemotron.api.v1alpha1.SecretKeyRef;
import dev.inference.nemotron.api.v1alpha1.TenantSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/** Resources for tests: the DESIGN.md example, sized to fit one H100. */
public final class SampleFleets {

  private SampleFleets() {}

  /** An 8B bf16 fleet on one H100, weights cached in a PVC, 8 sequences of 8K tokens. */
  public static NemotronDiffusionDeployment chat8b(String name, String namespace) {
    ModelSource source = new ModelSource();
    source.setUri("hf://nvidia/Nemotron-Labs-Diffusion-8B");
    source.setRevision("main");
    source.setSecretRef("hf-token");
    CachePvc pvc = new CachePvc();
    pvc.setStorageClassName("fast");
    pvc.setSize(new Quantity("40Gi"));
    ModelCache cache = new ModelCache();
    cache.setPvc(pvc);
    ModelSpec model = new ModelSpec();
    model.setSize(ModelSize.SIZE_8B);
    model.setSource(source);
    model.setCache(cache);
    GpuSpec gpu = new GpuSpec();
    gpu.setGpuClass(GpuClass.H100);
    gpu.setCount(1);

    NemotronDiffusionDeploymentSpec spec = new NemotronDiffusionDeploymentSpec();
    spec.setModel(model);
    spec.setQuantization(Quantization.BF16);
    spec.setGpu(gpu);
    spec.setMaxContextLength(8192);
    spec.setMaxConcurrentSequences(8);

    NemotronDiffusionDeployment resource = new NemotronDiffusionDeployment();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    resource.setSpec(spec);
    return resource;
  }

  /**
   * A resource the operator rejects (mode shares sum to 90), so that it writes a status once and
   * never touches it again: tests of status writes race nothing but themselves.
   */
  public static NemotronDiffusionDeployment invalidForStatusTests(String name, String namespace) {
    NemotronDiffusionDeployment resource = chat8b(name, namespace);
    dev.inference.nemotron.api.v1alpha1.ModesSpec modes =
        new dev.inference.nemotron.api.v1alpha1.ModesSpec();
    modes.setMix(new dev.inference.nemotron.api.v1alpha1.ModeMix(20, 30, 40));
    resource.getSpec().setModes(modes);
    return resource;
  }

  /** A tenant whose key is in Secret {@code <name>-key}. */
  public static TenantSpec tenant(String name) {
    SecretKeyRef key = new SecretKeyRef();
    key.setName(name + "-key");
    TenantSpec tenant = new TenantSpec();
    tenant.setName(name);
    tenant.setApiKeySecretRef(key);
    tenant.setTokensPerMinute(200_000L);
    tenant.setMaxConcurrentRequests(16);
    tenant.setWeight(2);
    return tenant;
  }
}
