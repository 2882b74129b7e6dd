package dev.inference.nemotron.pod.serve;

import dev.inference.nemotron.pod.decode.DecodingMode;
import dev.inference.nemotron.pod.serve.api.ApiError;
import dev.inference.nemotron.pod.serve.api.ChatRequest;
import dev.inference.nemotron.pod.serve.api.CompletionRequest;
import dev.inference.nemotron.pod.serve.api.ModelCard;
import dev.inference.nemotron.pod.serve.api.OpenAiRequests;
import dev.inference.nemotron.pod.serve.api.OpenAiResponses;
import dev.inference.nemotron.pod.serve.api.Prompt;
import dev.inference.nemotron.pod.serve.api.ResponseKind;
import dev.inference.nemotron.pod.serve.api.SamplingOptions;
import dev.inference.nemotron.pod.serve.config.RequestMode;
import dev.inference.nemotron.pod.tokenizer.ChatMessage;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The HTTP face of {@code ndd serve} on plain Vert.x: the OpenAI API ({@code /v1/completions},
 * {@code /v1/chat/completions}, {@code /v1/models}), {@code /metrics}, and the probes the
 * operator's pod template names ({@code /health/live}, {@code /health/ready}). Every refusal is an
 * OpenAI error JSON with a 4xx status (or 503 while loading or draining); a body over the limit is
 * refused from its {@code Content-Length}, or as soon as its bytes pass the limit, never read
 * whole.
 */
public final class OpenAiServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(OpenAiServer.class.getName());
  private static final SecureRandom SEEDS = new SecureRandom();
  private static final int DEFAULT_COMPLETION_TOKENS = 16;

  /**
   * @param maxBodyBytes largest request body read
   * @param requestTimeoutSeconds a request's deadline from its arrival
   * @param openAiLimits the request parser's limits (n, stop strings, prompts)
   */
  public record Settings(
      long maxBodyBytes, long requestTimeoutSeconds, OpenAiRequests.Limits openAiLimits) {}

  private final ServingMetrics metrics;
  private final Supplier<ServingPolicy> policy;
  private final String modelName;
  private final Settings settings;
  private final TenantLimiter limiter = new TenantLimiter();
  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final long created = System.currentTimeMillis() / 1000;
  private final Vertx vertx;
  private HttpServer server;
  private volatile ModelRuntime runtime;
  private volatile Scheduler scheduler;

  /** A server without a model: it answers the probes and 503 until {@link #attach}. */
  public OpenAiServer(
      ServingMetrics metrics, Supplier<ServingPolicy> policy, String modelName, Settings settings) {
    this.metrics = metrics;
    this.policy = policy;
    this.modelName = modelName;
    this.settings = settings;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2));
  }

  /** Listens on {@code host:port} (port 0: any free port); returns the port. */
  public int start(String host, int port) throws Exception {
    server =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setHost(host)
                    .setPort(port)
                    .setMaxInitialLineLength(8192)
                    .setMaxHeaderSize(16384)
                    .setIdleTimeout(0))
            .requestHandler(this::handle);
    return server
        .listen()
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS)
        .actualPort();
  }

  /** The loaded model and its scheduler, once the weights are in memory. */
  public void attach(ModelRuntime runtime, Scheduler scheduler) {
    this.runtime = runtime;
    this.scheduler = scheduler;
  }

  /** Turns {@code /health/ready} green: the weights are loaded and the warm-up forward ran. */
  public void markReady() {
    if (runtime == null || scheduler == null) {
      throw new IllegalStateException("attach() the model before marking the server ready");
    }
    ready.set(true);
  }

  /** Stops admitting (readiness turns red, new requests get 503); in-flight work goes on. */
  public void startDraining() {
    draining.set(true);
    if (scheduler != null) {
      scheduler.stopAdmission();
    }
  }

  @Override
  public void close() {
    try {
      if (server != null) {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      LOG.warning("closing the HTTP server: " + e);
    }
    vertx.close();
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    HttpMethod method = request.method();
    try {
      switch (path) {
        case "/health/live" -> {
          requireMethod(request, HttpMethod.GET);
          json(request.response(), 200, "{\"status\":\"live\"}");
        }
        case "/health/ready" -> {
          requireMethod(request, HttpMethod.GET);
          boolean ok = ready.get() && !draining.get();
          json(
              request.response(),
              ok ? 200 : 503,
              ok
                  ? "{\"status\":\"ready\"}"
                  : draining.get() ? "{\"status\":\"draining\"}" : "{\"status\":\"loading\"}");
        }
        case "/metrics" -> {
          requireMethod(request, HttpMethod.GET);
          request
              .response()
              .putHeader("Content-Type", ServingMetrics.contentType())
              .end(metrics.scrape());
        }
        case "/metrics/snapshot" -> {
          requireMethod(request, HttpMethod.GET);
          json(request.response(), 200, metrics.snapshotJson());
        }
        case "/v1/models" -> {
          requireMethod(request, HttpMethod.GET);
          authenticate(request);
          json(request.response(), 200, OpenAiResponses.models(List.of(card())));
        }
        case "/v1/completions", "/v1/chat/completions" -> {
          requireMethod(request, HttpMethod.POST);
          generate(
              request,
              path.equals("/v1/completions") ? ResponseKind.COMPLETION : ResponseKind.CHAT);
        }
        default -> {
          if (path.startsWith("/v1/models/")) {
            requireMethod(request, HttpMethod.GET);
            authenticate(request);
            String id = path.substring("/v1/models/".length());
            if (!id.equals(modelName)) {
              throw ApiError.unknownModel(id, List.of(modelName));
            }
            json(request.response(), 200, OpenAiResponses.model(card()));
          } else {
            throw ApiError.notFound(path);
          }
        }
      }
    } catch (ApiError e) {
      request.resume();
      send(request.response(), e);
    } catch (RuntimeException e) {
      LOG.warning("unexpected error on " + method + " " + path + ": " + e);
      send(
          request.response(),
          ApiError.internal("the server failed on this request: " + e.getMessage()));
    }
  }

  private ModelCard card() {
    return new ModelCard(modelName, created, "nemotron-diffusion-deployments");
  }

  private static void requireMethod(HttpServerRequest request, HttpMethod method) {
    if (!request.method().equals(method)) {
      throw ApiError.methodNotAllowed(request.method().name(), request.path());
    }
  }

  /** The caller's tenant; 401 without a known key when tenants are configured. */
  private ServingPolicy.Tenant authenticate(HttpServerRequest request) {
    ServingPolicy p = policy.get();
    if (p.open()) {
      return ServingPolicy.Tenant.DEFAULT;
    }
    String header = request.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw ApiError.unauthorized(
          "this server needs an API key: send it as 'Authorization: Bearer <key>'");
    }
    return p.authenticate(header.substring(7).trim())
        .orElseThrow(
            () ->
                ApiError.unauthorized(
                    "the API key is not valid for this server; check the key your tenant was given"));
  }

  /** Reads the body within the size limit, then runs the request. */
  private void generate(HttpServerRequest request, ResponseKind kind) {
    if (!ready.get()) {
      throw ApiError.unavailable("the model is still loading; retry shortly", 5);
    }
    if (draining.get()) {
      throw ApiError.unavailable("the server is shutting down; retry on another replica", 1);
    }
    ServingPolicy.Tenant tenant = authenticate(request);
    String contentType = request.getHeader("Content-Type");
    if (contentType != null && !contentType.toLowerCase().startsWith("application/json")) {
      throw ApiError.unsupportedMediaType(contentType);
    }
    String length = request.getHeader("Content-Length");
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        throw ApiError.invalidRequest(null, "Content-Length is not a number: " + length);
      }
      if (declared > settings.maxBodyBytes()) {
        request.response().putHeader("Connection", "close");
        throw ApiError.tooLarge(settings.maxBodyBytes());
      }
    }
    Buffer body = Buffer.buffer();
    AtomicBoolean refused = new AtomicBoolean();
    request.handler(
        chunk -> {
          if (refused.get()) {
            return;
          }
          if (body.length() + chunk.length() > settings.maxBodyBytes()) {
            refused.set(true);
            request.response().putHeader("Connection", "close");
            send(request.response(), ApiError.tooLarge(settings.maxBodyBytes()));
            request.connection().close();
            return;
          }
          body.appendBuffer(chunk);
        });
    request.endHandler(
        v -> {
          if (refused.get()) {
            return;
          }
          try {
            start(request, kind, tenant, body.getBytes());
          } catch (ApiError e) {
            send(request.response(), e);
          } catch (RuntimeException e) {
            LOG.warning("unexpected error starting a request: " + e);
            send(
                request.response(),
                ApiError.internal("the server failed on this request: " + e.getMessage()));
          }
        });
  }

  /** One choice before submission: its prompt, mode and sampling. */
  private record Planned(int index, ModelRuntime.Plan plan, DecodingMode mode) {}

  private void start(
      HttpServerRequest request, ResponseKind kind, ServingPolicy.Tenant tenant, byte[] body) {
    ServingPolicy p = policy.get();
    String model;
    SamplingOptions sampling;
    int n;
    boolean stream;
    boolean includeUsage;
    List<int[]> prompts = new ArrayList<>();
    String promptParam;
    if (kind == ResponseKind.CHAT) {
      ChatRequest chat = OpenAiRequests.chat(body, settings.openAiLimits());
      model = chat.model();
      sampling = chat.sampling();
      n = chat.n();
      stream = chat.stream();
      includeUsage = chat.includeUsage();
      promptParam = "messages";
      List<ChatMessage> messages =
          chat.messages().stream().map(m -> new ChatMessage(m.role(), m.content())).toList();
      prompts.add(runtime.chatPrompt(messages, chat.thinking()));
    } else {
      CompletionRequest completion = OpenAiRequests.completion(body, settings.openAiLimits());
      model = completion.model();
      sampling = completion.sampling();
      n = completion.n();
      stream = completion.stream();
      includeUsage = completion.includeUsage();
      promptParam = "prompt";
      for (Prompt prompt : completion.prompts()) {
        prompts.add(
            switch (prompt) {
              case Prompt.Text t -> runtime.tokenizer().encode(t.text());
              case Prompt.Tokens t -> t.ids();
            });
      }
    }
    if (!model.equals(modelName)) {
      throw ApiError.unknownModel(model, List.of(modelName));
    }
    String requestId = kind.newId();
    RequestMode requestMode = sampling.requestMode().orElseGet(() -> p.chooseMode(requestId));
    DecodingMode mode = p.decodingMode(requestMode);
    long baseSeed = sampling.seed() != null ? sampling.seed() : SEEDS.nextLong();
    List<Planned> planned = new ArrayList<>();
    int promptTokens = 0;
    for (int pi = 0; pi < prompts.size(); pi++) {
      int[] ids = prompts.get(pi);
      promptTokens += ids.length;
      if (ids.length + (sampling.maxTokens() == null ? 1 : sampling.maxTokens())
          > runtime.contextLength()) {
        throw ApiError.contextLengthExceeded(
            promptParam, runtime.contextLength(), ids.length, sampling.maxTokens());
      }
      Integer maxTokens = sampling.maxTokens();
      if (maxTokens == null && kind == ResponseKind.COMPLETION) {
        // OpenAI's (and vLLM's) default for the completions endpoint; chat runs to the context.
        maxTokens = Math.min(DEFAULT_COMPLETION_TOKENS, runtime.contextLength() - ids.length);
      }
      for (int k = 0; k < n; k++) {
        ModelRuntime.Plan plan;
        try {
          plan =
              runtime.plan(
                  ids,
                  new ModelRuntime.Options(
                      mode,
                      maxTokens,
                      sampling.temperature(),
                      sampling.topK(),
                      sampling.topP(),
                      // choices of one request differ; a fixed seed still reproduces all of them
                      baseSeed + (long) pi * n + k,
                      sampling.stop(),
                      sampling.ignoreEos(),
                      p.blockSize(requestMode),
                      p.diffusionThreshold()));
        } catch (RequestException e) {
          throw ApiError.invalidRequest(e.param(), e.getMessage());
        }
        planned.add(new Planned(pi * n + k, plan, mode));
      }
    }
    TenantLimiter.Refusal refusal =
        limiter.tryAcquire(tenant.name(), tenant.maxConcurrentRequests(), tenant.tokensPerMinute());
    if (refusal != null) {
      metrics.request(tenant.name(), "rate_limited");
      throw ApiError.rateLimited(refusal.message(), refusal.retryAfterSeconds());
    }
    HttpServerResponse response = request.response();
    Context context = Vertx.currentContext();
    int promptTotal = promptTokens;
    GenerationCall call =
        new GenerationCall(
            kind,
            modelName,
            stream,
            includeUsage,
            context,
            response,
            ended -> {
              int completion = ended.completionTokens();
              limiter.release(
                  tenant.name(), tenant.tokensPerMinute(), (long) promptTotal + completion);
              metrics.tenantTokens(tenant.name(), "prompt", promptTotal);
              metrics.tenantTokens(tenant.name(), "completion", completion);
            });
    call.addPromptTokens(promptTokens);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.requestTimeoutSeconds());
    List<GenerationCall.ChoiceState> observers = new ArrayList<>();
    for (Planned c : planned) {
      observers.add(
          call.addChoice(
              c.index(),
              new ChoiceText(runtime.tokenizer().streamingDecoder(true), sampling.stop())));
    }
    response.closeHandler(v -> call.cancel());
    try {
      for (int i = 0; i < planned.size(); i++) {
        ModelRuntime.Plan plan = planned.get(i).plan();
        call.addHandle(
            scheduler.submit(
                new Submission(
                    tenant.name(),
                    tenant.weight(),
                    plan.prompt(),
                    plan.sampling(),
                    ids -> runtime.tokenizer().decode(ids, true),
                    plan.decoder(),
                    plan.cachePositions(),
                    deadline,
                    observers.get(i))));
      }
    } catch (Scheduler.RefusedException e) {
      call.abandon();
      metrics.request(tenant.name(), e.draining() ? "draining" : "queue_full");
      throw e.draining() ? ApiError.unavailable(e.getMessage(), 1) : ApiError.queueFull(1);
    } catch (IllegalArgumentException e) {
      call.abandon();
      throw ApiError.invalidRequest(promptParam, e.getMessage());
    }
    metrics.request(tenant.name(), "accepted");
  }

  private static void json(HttpServerResponse response, int status, String body) {
    response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
  }

  private static void json(HttpServerResponse response, int status, byte[] body) {
    response
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(body));
  }

  /** Writes an OpenAI error answer (with {@code Retry-After} where it applies). */
  static void send(HttpServerResponse response, ApiError error) {
    if (response.ended() || response.closed()) {
      return;
    }
    error.retryAfterSeconds().ifPresent(s -> response.putHeader("Retry-After", String.valueOf(s)));
    response
        .setStatusCode(error.status())
        .putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(error.toJson()));
  }
}
