package dev.inference.nemotron.operator.desired;

import dev.inference.nemotron.api.v1alpha1.ModelSource;
import dev.inference.nemotron.api.v1alpha1.PodTemplateOverrides;
import dev.inference.nemotron.api.v1alpha1.TenantSpec;
import dev.inference.nemotron.operator.spec.ModelSourceUri;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The inference pod: the runtime container with its GPUs, probes and hardened security context; the
 * configuration, tenant keys and weights mounted where {@link RuntimeLayout} says; node selection
 * from the GPU class; and the user's {@code spec.template} overrides merged in.
 */
public final class InferencePodTemplate {

  /**
   * Pod template annotation whose change rolls the pods when a setting the runtime reads only at
   * start changes ({@link DesiredConfigMap#configHash}); live settings reach the pods through the
   * mounted ConfigMap without it.
   */
  public static final String CONFIG_HASH = "nemotron.inference.dev/config-hash";

  public static final String GPU_RESOURCE = "nvidia.com/gpu";
  public static final String GPU_PRODUCT_LABEL = "nvidia.com/gpu.product";

  static final String RUNTIME = "runtime";
  static final String FETCH = "fetch-weights";
  static final String WAIT = "wait-for-weights";

  /** How long the runtime may take to load the weights before the kubelet restarts it. */
  static final int STARTUP_BUDGET_SECONDS = 600;

  private static final int STARTUP_PROBE_PERIOD_SECONDS = 5;

  /** Cores requested per GPU: the scheduler, tokenizer and HTTP threads that feed one GPU. */
  static final int CPUS_PER_GPU = 2;

  /** Host memory besides the weights: JVM heap, CUDA host context, pinned transfer buffers. */
  static final long HOST_OVERHEAD_BYTES = 2L * 1024 * 1024 * 1024;

  private static final String CONFIG_VOLUME = "runtime-config";
  private static final String TENANT_KEYS_VOLUME = "tenant-keys";
  private static final String MODELS_VOLUME = "models";
  private static final String TMP_VOLUME = "tmp";
  private static final String FETCH_CREDENTIALS_VOLUME = "fetch-credentials";

  private InferencePodTemplate() {}

  /** The pod template of the fleet's Deployment. */
  public static PodTemplateSpec of(Fleet fleet) {
    PodTemplateOverrides overrides =
        Objects.requireNonNullElseGet(fleet.spec().getTemplate(), PodTemplateOverrides::new);
    Map<String, String> labels =
        new TreeMap<>(Objects.requireNonNullElse(overrides.getLabels(), Map.of()));
    labels.putAll(fleet.labels(Fleet.INFERENCE));
    Map<String, String> annotations =
        new TreeMap<>(Objects.requireNonNullElse(overrides.getAnnotations(), Map.of()));
    annotations.put(CONFIG_HASH, DesiredConfigMap.configHash(fleet));

    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(fleet.serviceAccountName())
        // the runtime never calls the Kubernetes API
        .withAutomountServiceAccountToken(false)
        .withSecurityContext(podSecurity(fleet))
        .withInitContainers(initContainers(fleet))
        .withContainers(runtime(fleet, overrides))
        .withVolumes(volumes(fleet))
        .withNodeSelector(overrides.getNodeSelector())
        .withTolerations(tolerations(fleet, overrides))
        .withAffinity(
            NodePlacement.affinity(
                fleet.gpuClass(), fleet.settings().gpuPlacement().orElse(List.of())))
        .withPriorityClassName(overrides.getPriorityClassName())
        // time to finish in-flight requests after SIGTERM (the runtime drains gracefully)
        .withTerminationGracePeriodSeconds(60L)
        .endSpec()
        .build();
  }

  private static Container runtime(Fleet fleet, PodTemplateOverrides overrides) {
    List<VolumeMount> mounts = new ArrayList<>();
    // a directory mount, not subPath: the kubelet updates it in place, and the runtime reloads it
    mounts.add(mount(CONFIG_VOLUME, RuntimeLayout.CONFIG_DIR, true));
    mounts.add(mount(MODELS_VOLUME, RuntimeLayout.MODELS_DIR, true));
    mounts.add(mount(TMP_VOLUME, "/tmp", false));
    if (!fleet.tenants().isEmpty()) {
      mounts.add(mount(TENANT_KEYS_VOLUME, RuntimeLayout.TENANT_KEYS_DIR, true));
    }
    return new ContainerBuilder()
        .withName(RUNTIME)
        .withImage(fleet.runtimeImage())
        .withImagePullPolicy(fleet.settings().imagePullPolicy())
        .withArgs("serve", "--config", RuntimeLayout.configPath())
        .addNewPort()
        .withName(Fleet.HTTP_PORT_NAME)
        .withContainerPort(Fleet.HTTP_PORT)
        .withProtocol("TCP")
        .endPort()
        .withResources(resources(fleet, overrides.getResources()))
        // loading 27 GB of weights takes minutes: liveness waits for the startup probe
        .withStartupProbe(
            probe(
                "/health/live",
                STARTUP_PROBE_PERIOD_SECONDS,
                STARTUP_BUDGET_SECONDS / STARTUP_PROBE_PERIOD_SECONDS))
        .withLivenessProbe(probe("/health/live", 10, 3))
        .withReadinessProbe(probe("/health/ready", 5, 2))
        .withSecurityContext(containerSecurity())
        .withVolumeMounts(mounts)
        .build();
  }

  private static List<Container> initContainers(Fleet fleet) {
    if (!fleet.source().needsDownload()) {
      return List.of();
    }
    String modelDir = RuntimeLayout.modelDir(fleet);
    if (fleet.hasWeightCache()) {
      // the download Job fills the shared cache once; replicas wait for its completion marker,
      // with the runtime itself (the image has no shell; its entrypoint is ndd)
      return List.of(
          new ContainerBuilder()
              .withName(WAIT)
              .withImage(fleet.runtimeImage())
              .withImagePullPolicy(fleet.settings().imagePullPolicy())
              .withArgs("fetch", "--wait", "--into", modelDir)
              .withSecurityContext(containerSecurity())
              .withVolumeMounts(mount(MODELS_VOLUME, RuntimeLayout.MODELS_DIR, true))
              .build());
    }
    // no cache: each replica downloads into its own emptyDir
    return List.of(fetchContainer(fleet, MODELS_VOLUME));
  }

  /** The container that downloads the model source into {@link RuntimeLayout#modelDir}. */
  static Container fetchContainer(Fleet fleet, String modelsVolume) {
    ModelSource source = fleet.spec().getModel().getSource();
    List<String> args = new ArrayList<>(List.of("fetch", "--source", source.getUri()));
    if (source.getRevision() != null) {
      args.addAll(List.of("--revision", source.getRevision()));
    }
    args.addAll(List.of("--into", RuntimeLayout.modelDir(fleet)));
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount(modelsVolume, RuntimeLayout.MODELS_DIR, false));
    mounts.add(mount(TMP_VOLUME, "/tmp", false));
    List<EnvFromSource> env = new ArrayList<>();
    if (source.getSecretRef() != null) {
      if (fleet.source().scheme() == ModelSourceUri.Scheme.OCI) {
        mounts.add(mount(FETCH_CREDENTIALS_VOLUME, "/var/run/secrets/nemotron/registry", true));
        args.addAll(List.of("--registry-auth", "/var/run/secrets/nemotron/registry"));
      } else {
        env.add(
            new EnvFromSourceBuilder()
                .withNewSecretRef()
                .withName(source.getSecretRef())
                .endSecretRef()
                .build());
      }
    }
    return new ContainerBuilder()
        .withName(FETCH)
        .withImage(fleet.runtimeImage())
        .withImagePullPolicy(fleet.settings().imagePullPolicy())
        .withArgs(args)
        .withEnvFrom(env)
        .withSecurityContext(containerSecurity())
        .withVolumeMounts(mounts)
        .build();
  }

  /** Volumes of the pod (and, through {@link #fetchVolumes}, of the download Job). */
  private static List<Volume> volumes(Fleet fleet) {
    List<Volume> volumes = new ArrayList<>();
    volumes.add(
        new VolumeBuilder()
            .withName(CONFIG_VOLUME)
            .withNewConfigMap()
            .withName(fleet.configMapName())
            .endConfigMap()
            .build());
    volumes.add(modelsVolume(fleet));
    volumes.add(emptyDir(TMP_VOLUME));
    if (!fleet.tenants().isEmpty()) {
      volumes.add(tenantKeys(fleet.tenants()));
    }
    if (fleet.source().needsDownload() && !fleet.hasWeightCache()) {
      volumes.addAll(credentialVolumes(fleet));
    }
    return volumes;
  }

  /** Volumes the download Job needs besides the cache. */
  static List<Volume> fetchVolumes(Fleet fleet) {
    List<Volume> volumes = new ArrayList<>();
    volumes.add(emptyDir(TMP_VOLUME));
    volumes.addAll(credentialVolumes(fleet));
    return volumes;
  }

  private static List<Volume> credentialVolumes(Fleet fleet) {
    String secret = fleet.spec().getModel().getSource().getSecretRef();
    if (secret == null || fleet.source().scheme() != ModelSourceUri.Scheme.OCI) {
      return List.of();
    }
    return List.of(
        new VolumeBuilder()
            .withName(FETCH_CREDENTIALS_VOLUME)
            .withNewSecret()
            .withSecretName(secret)
            .endSecret()
            .build());
  }

  private static Volume modelsVolume(Fleet fleet) {
    ModelSourceUri source = fleet.source();
    VolumeBuilder volume = new VolumeBuilder().withName(MODELS_VOLUME);
    if (fleet.hasWeightCache()) {
      return volume
          .withNewPersistentVolumeClaim()
          .withClaimName(fleet.weightCacheName())
          .withReadOnly(true)
          .endPersistentVolumeClaim()
          .build();
    }
    return switch (source.scheme()) {
      case PVC ->
          volume
              .withNewPersistentVolumeClaim()
              .withClaimName(source.claimName())
              .withReadOnly(true)
              .endPersistentVolumeClaim()
              .build();
      case FILE ->
          volume
              .withNewHostPath()
              .withPath(source.nodePath())
              .withType("Directory")
              .endHostPath()
              .build();
      case HF, S3, OCI -> emptyDir(MODELS_VOLUME);
    };
  }

  /** One projected volume with one file per tenant, each from its own Secret's key. */
  private static Volume tenantKeys(List<TenantSpec> tenants) {
    List<VolumeProjection> sources =
        tenants.stream()
            .map(
                t ->
                    new VolumeProjectionBuilder()
                        .withNewSecret()
                        .withName(t.getApiKeySecretRef().getName())
                        .addNewItem()
                        .withKey(
                            Objects.requireNonNullElse(t.getApiKeySecretRef().getKey(), "api-key"))
                        .withPath(t.getName())
                        .endItem()
                        .endSecret()
                        .build())
            .toList();
    return new VolumeBuilder()
        .withName(TENANT_KEYS_VOLUME)
        .withNewProjected()
        .withDefaultMode(0440)
        .withSources(sources)
        .endProjected()
        .build();
  }

  /**
   * The user's resources with the GPU count from {@code spec.gpu}. CPU and memory requests the user
   * did not set come from the sizing, so a replica is never BestEffort: on the CPU class the memory
   * request is the whole bill; on a GPU class it is {@link #acceleratorHostMemoryBytes} and the CPU
   * request {@link #CPUS_PER_GPU} cores per GPU. No CPU or memory limit is added: a memory limit
   * would let the page cache of the mapped weights get the runtime OOM-killed.
   */
  private static ResourceRequirements resources(Fleet fleet, ResourceRequirements requested) {
    Map<String, Quantity> limits = new TreeMap<>();
    Map<String, Quantity> requests = new TreeMap<>();
    if (requested != null) {
      limits.putAll(Objects.requireNonNullElse(requested.getLimits(), Map.of()));
      requests.putAll(Objects.requireNonNullElse(requested.getRequests(), Map.of()));
    }
    limits.remove(GPU_RESOURCE);
    requests.remove(GPU_RESOURCE);
    if (fleet.gpuClass().isAccelerator()) {
      int count = fleet.spec().getGpu().getCount();
      Quantity gpus = new Quantity(String.valueOf(count));
      limits.put(GPU_RESOURCE, gpus);
      requests.put(GPU_RESOURCE, gpus);
      defaultRequest(requests, limits, "cpu", new Quantity(String.valueOf(CPUS_PER_GPU * count)));
      defaultRequest(requests, limits, "memory", mebibytes(acceleratorHostMemoryBytes(fleet)));
    } else {
      defaultRequest(requests, limits, "memory", mebibytes(fleet.sizing().requiredBytes()));
    }
    // claims are refused by SpecValidation: they need pod-level resourceClaims the API lacks
    return new ResourceRequirementsBuilder().withLimits(limits).withRequests(requests).build();
  }

  /**
   * Host memory a GPU replica needs: {@link #HOST_OVERHEAD_BYTES} plus a quarter of the weights.
   * The weights are memory-mapped and copied to the GPUs layer by layer, so only the pages in
   * flight must be resident; a quarter keeps the copy from thrashing the page cache without
   * reserving the whole file, which the kernel may evict once it is on the GPU.
   */
  static long acceleratorHostMemoryBytes(Fleet fleet) {
    return HOST_OVERHEAD_BYTES + Math.ceilDiv(fleet.sizing().weightBytes(), 4);
  }

  /**
   * Sets a request the user left out, unless the user set only its limit: Kubernetes then defaults
   * the request to the limit, and a larger default request would make the pod invalid.
   */
  private static void defaultRequest(
      Map<String, Quantity> requests, Map<String, Quantity> limits, String name, Quantity value) {
    if (!limits.containsKey(name)) {
      requests.putIfAbsent(name, value);
    }
  }

  private static Quantity mebibytes(long bytes) {
    return new Quantity(Math.ceilDiv(bytes, 1024L * 1024L) + "Mi");
  }

  private static List<Toleration> tolerations(Fleet fleet, PodTemplateOverrides overrides) {
    List<Toleration> tolerations = new ArrayList<>();
    if (fleet.gpuClass().isAccelerator()) {
      // GPU nodes are commonly tainted nvidia.com/gpu so that only GPU workloads land there
      tolerations.add(
          new TolerationBuilder()
              .withKey(GPU_RESOURCE)
              .withOperator("Exists")
              .withEffect("NoSchedule")
              .build());
    }
    if (overrides.getTolerations() != null) {
      tolerations.addAll(overrides.getTolerations());
    }
    return tolerations;
  }

  private static PodSecurityContext podSecurity(Fleet fleet) {
    long user = fleet.settings().runAsUser();
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(user)
        .withRunAsGroup(user)
        .withFsGroup(user)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  static SecurityContext containerSecurity() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withNewPort(Fleet.HTTP_PORT_NAME)
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .withTimeoutSeconds(2)
        .build();
  }

  static VolumeMount mount(String volume, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(volume)
        .withMountPath(path)
        .withReadOnly(readOnly)
        .build();
  }

  static Volume emptyDir(String name) {
    return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
  }
}
