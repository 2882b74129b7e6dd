package dev.inference.nemotron.e2e;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The fleets' Service as a local load balancer on 127.0.0.1: each request goes to the next ready
 * replica (round-robin); the replica's response, streamed or not, is passed through as it arrives.
 * With no ready replica it answers 503.
 */
final class LoadBalancer implements AutoCloseable {

  /** Hop-by-hop headers, never forwarded. */
  private static final Set<String> HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "transfer-encoding",
          "te",
          "trailer",
          "upgrade",
          "host");

  private final Vertx vertx;
  private final HttpServer server;
  private final HttpClient client;
  private final Supplier<List<Kubelet.Endpoint>> endpoints;
  private final AtomicLong next = new AtomicLong();

  private LoadBalancer(
      Vertx vertx,
      HttpServer server,
      HttpClient client,
      Supplier<List<Kubelet.Endpoint>> endpoints) {
    this.vertx = vertx;
    this.server = server;
    this.client = client;
    this.endpoints = endpoints;
  }

  static LoadBalancer start(int port, Supplier<List<Kubelet.Endpoint>> endpoints) throws Exception {
    Vertx vertx = Vertx.vertx();
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions().setMaxPoolSize(64).setConnectTimeout(5000).setKeepAlive(true));
    HttpServer server = vertx.createHttpServer();
    LoadBalancer balancer = new LoadBalancer(vertx, server, client, endpoints);
    server.requestHandler(balancer::forward);
    try {
      server
          .listen(port, "127.0.0.1")
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("the load balancer cannot listen on 127.0.0.1:" + port, e);
    }
    return balancer;
  }

  int port() {
    return server.actualPort();
  }

  private void forward(HttpServerRequest request) {
    List<Kubelet.Endpoint> ready = endpoints.get();
    if (ready.isEmpty()) {
      request
          .response()
          .setStatusCode(503)
          .putHeader("Content-Type", "application/json")
          .end("{\"error\":{\"message\":\"no ready replica behind the local load balancer\"}}");
      return;
    }
    Kubelet.Endpoint target =
        ready.get((int) Math.floorMod(next.getAndIncrement(), (long) ready.size()));
    request.pause();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    request
        .headers()
        .forEach(
            h -> {
              if (!HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
                headers.add(h.getKey(), h.getValue());
              }
            });
    RequestOptions options =
        new RequestOptions()
            .setMethod(request.method())
            .setHost("127.0.0.1")
            .setPort(target.port())
            .setURI(request.uri())
            .setHeaders(headers);
    client
        .request(options)
        .onFailure(e -> fail(request, e))
        .onSuccess(
            upstream -> {
              upstream
                  .response()
                  .onFailure(e -> fail(request, e))
                  .onSuccess(
                      answer -> {
                        HttpServerResponse response = request.response();
                        response.setStatusCode(answer.statusCode());
                        answer
                            .headers()
                            .forEach(
                                h -> {
                                  if (!HOP.contains(
                                      h.getKey().toLowerCase(java.util.Locale.ROOT))) {
                                    response.headers().add(h.getKey(), h.getValue());
                                  }
                                });
                        response.putHeader("X-Ndd-Replica", target.pod());
                        if (!response.headers().contains("Content-Length")) {
                          response.setChunked(true);
                        }
                        answer.pipeTo(response);
                      });
              if (request.headers().contains("Content-Length")
                  || request.headers().contains("Transfer-Encoding")) {
                if (!request.headers().contains("Content-Length")) {
                  upstream.setChunked(true);
                }
                request.pipeTo(upstream);
              } else {
                request.resume();
                upstream.end();
              }
            });
  }

  private static void fail(HttpServerRequest request, Throwable e) {
    HttpServerResponse response = request.response();
    if (!response.headWritten()) {
      response
          .setStatusCode(502)
          .putHeader("Content-Type", "application/json")
          .end(
              "{\"error\":{\"message\":\"replica unreachable: "
                  + e.getMessage().replace('"', '\'')
                  + "\"}}");
    } else {
      response.reset();
    }
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing anyway
    }
  }
}
