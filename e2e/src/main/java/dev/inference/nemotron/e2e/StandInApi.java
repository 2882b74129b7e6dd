package dev.inference.nemotron.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stand-in for a Kubernetes API server: the fabric8 mock server in CRUD mode on loopback, plain
 * HTTP. It stores objects and streams watches; it runs no controllers, and it is no API server. Two
 * things the real operator needs are added in front of the mock's CRUD store:
 *
 * <ul>
 *   <li>server-side apply ({@code application/apply-patch+yaml}), which the mock does not
 *       implement: an apply of a missing object creates it, an apply of an existing one is a JSON
 *       merge patch of it (no field ownership: fields a manager stops applying stay);
 *   <li>access reviews ({@code SelfSubjectRulesReview}, {@code SelfSubjectAccessReview}), which the
 *       operator's leader election asks before it starts: everything is allowed (there is no RBAC
 *       here);
 *   <li>the {@code /scale} subresource of any object with {@code spec.replicas} (Deployments, the
 *       fleet resource): read as an {@code autoscaling/v1} Scale, written to {@code spec.replicas}.
 * </ul>
 */
final class StandInApi implements AutoCloseable {

  /** What every message calls this server. */
  static final String NAME = "stand-in Kubernetes API (fabric8 mock server, CRUD mode)";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String APPLY = "application/apply-patch+yaml";
  private static final String MERGE = "application/merge-patch+json";
  private static final Pattern SUBRESOURCE =
      Pattern.compile("^(?<main>[^?]*)/(?<sub>scale|status)(?<query>\\?.*)?$");

  /** The mock logs every request at INFO through java.util.logging: warnings only. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private StandInApi(KubernetesMockServer server) {
    this.server = server;
    this.client = server.createClient();
  }

  /** Starts it on 127.0.0.1:{@code port} (0: a free port). */
  static StandInApi start(int port) {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), new Dispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), port);
    return new StandInApi(server);
  }

  /** Its base URL, e.g. {@code http://127.0.0.1:41234}. */
  String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  int port() {
    return server.getPort();
  }

  KubernetesClient client() {
    return client;
  }

  /** Creates (or updates) every object of a YAML file, in namespace {@code default} unless set. */
  List<HasMetadata> apply(Path yaml) throws IOException {
    try (InputStream in = Files.newInputStream(yaml)) {
      return apply(in);
    }
  }

  List<HasMetadata> apply(InputStream yaml) {
    List<HasMetadata> items = client.load(yaml).items();
    return items.stream().map(this::apply).toList();
  }

  HasMetadata apply(HasMetadata item) {
    return client.resource(item).createOr(existing -> existing.update());
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  /** The mock's CRUD dispatcher with server-side apply and /scale in front of it. */
  static final class Dispatcher extends KubernetesCrudDispatcher {

    Dispatcher() {
      super(List.of());
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      try {
        Matcher sub = SUBRESOURCE.matcher(request.getPath());
        if (sub.matches() && sub.group("sub").equals("scale")) {
          return scale(request, sub.group("main"));
        }
        if (request.method() == HttpMethod.POST
            && request.getPath().startsWith("/apis/authorization.k8s.io/v1/selfsubject")) {
          return review(request);
        }
        String type = request.getHeader("Content-Type");
        if (request.method() == HttpMethod.PATCH && type != null && type.startsWith(APPLY)) {
          return apply(
              request,
              sub.matches() ? sub.group("main") : withoutQuery(request.getPath()),
              sub.matches());
        }
      } catch (IOException | RuntimeException e) {
        return new MockResponse().setResponseCode(400).setBody(status(400, e.toString()));
      }
      return super.dispatch(request);
    }

    private MockResponse apply(RecordedRequest request, String path, boolean status)
        throws IOException {
      JsonNode body = YAML.readTree(request.getUtf8Body());
      MockResponse found = handleGet(path);
      if (found.code() != 200) {
        if (status) {
          return found;
        }
        // server-side apply of a missing object: create it in its collection
        String collection = path.substring(0, path.lastIndexOf('/'));
        return super.dispatch(
            request(
                HttpMethod.POST, collection, "application/json", JSON.writeValueAsString(body)));
      }
      // of an existing one: an RFC 7386 merge (the mock's own merge appends to lists), then a PUT
      ObjectNode current = (ObjectNode) JSON.readTree(found.getBody().readUtf8());
      ObjectNode merged = current.deepCopy();
      if (status) {
        merged.set("status", merge(current.path("status").deepCopy(), body.path("status")));
      } else {
        JsonNode patch = body.deepCopy();
        if (patch instanceof ObjectNode p && p.path("metadata") instanceof ObjectNode m) {
          m.remove("resourceVersion");
          m.remove("managedFields");
        }
        merged = (ObjectNode) merge(merged, patch);
      }
      return super.dispatch(
          request(
              HttpMethod.PUT,
              status ? path + "/status" : path,
              "application/json",
              JSON.writeValueAsString(merged)));
    }

    /** JSON merge patch (RFC 7386): objects merge, null removes, anything else replaces. */
    private static JsonNode merge(JsonNode target, JsonNode patch) {
      if (!patch.isObject()) {
        return patch.deepCopy();
      }
      ObjectNode out = target.isObject() ? (ObjectNode) target : JSON.createObjectNode();
      patch
          .properties()
          .forEach(
              e -> {
                if (e.getValue().isNull()) {
                  out.remove(e.getKey());
                } else {
                  out.set(e.getKey(), merge(out.path(e.getKey()), e.getValue()));
                }
              });
      return out;
    }

    /** Answers an access review: everything is allowed. */
    private static MockResponse review(RecordedRequest request) throws IOException {
      ObjectNode review = (ObjectNode) JSON.readTree(request.getUtf8Body());
      if (!review.has("metadata")) {
        review.putObject("metadata");
      }
      ObjectNode status = review.putObject("status");
      if (request.getPath().contains("selfsubjectrulesreviews")) {
        ObjectNode rule = status.putArray("resourceRules").addObject();
        rule.putArray("verbs").add("*");
        rule.putArray("apiGroups").add("*");
        rule.putArray("resources").add("*");
        status.putArray("nonResourceRules");
        status.put("incomplete", false);
      } else {
        status.put("allowed", true);
        status.put("reason", "the stand-in API has no RBAC");
      }
      return new MockResponse().setResponseCode(201).setBody(JSON.writeValueAsString(review));
    }

    private MockResponse scale(RecordedRequest request, String path) throws IOException {
      if (request.method() == HttpMethod.PUT) {
        JsonNode replicas = JSON.readTree(request.getUtf8Body()).path("spec").path("replicas");
        ObjectNode patch = JSON.createObjectNode();
        patch.putObject("spec").set("replicas", replicas);
        MockResponse patched =
            super.dispatch(request(HttpMethod.PATCH, path, MERGE, JSON.writeValueAsString(patch)));
        if (patched.code() / 100 != 2) {
          return patched;
        }
      } else if (request.method() == HttpMethod.PATCH) {
        // a patch of the Scale's spec.replicas is the same patch of the object's
        MockResponse patched =
            super.dispatch(
                request(
                    HttpMethod.PATCH,
                    path,
                    request.getHeader("Content-Type"),
                    request.getUtf8Body()));
        if (patched.code() / 100 != 2) {
          return patched;
        }
      } else if (request.method() != HttpMethod.GET) {
        return new MockResponse()
            .setResponseCode(405)
            .setBody(status(405, "scale: GET, PUT or PATCH"));
      }
      MockResponse current = handleGet(path);
      if (current.code() != 200) {
        return current;
      }
      JsonNode object = JSON.readTree(current.getBody().readUtf8());
      ObjectNode scale = JSON.createObjectNode();
      scale.put("apiVersion", "autoscaling/v1");
      scale.put("kind", "Scale");
      ObjectNode meta = scale.putObject("metadata");
      for (String field :
          List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
        if (object.path("metadata").has(field)) {
          meta.set(field, object.path("metadata").get(field));
        }
      }
      scale.putObject("spec").put("replicas", object.path("spec").path("replicas").asInt(1));
      ObjectNode status = scale.putObject("status");
      status.put("replicas", object.path("status").path("replicas").asInt(0));
      if (object.path("status").has("selector")) {
        status.set("selector", object.path("status").get("selector"));
      }
      return new MockResponse().setResponseCode(200).setBody(JSON.writeValueAsString(scale));
    }

    private static RecordedRequest request(
        HttpMethod method, String path, String contentType, String body) {
      Headers headers = Headers.builder().add("Content-Type", contentType).build();
      return new RecordedRequest(
          "HTTP/1.1", method, path, headers, new Buffer(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String withoutQuery(String path) {
      int q = path.indexOf('?');
      return q < 0 ? path : path.substring(0, q);
    }

    private static String status(int code, String message) {
      ObjectNode status = JSON.createObjectNode();
      status.put("apiVersion", "v1");
      status.put("kind", "Status");
      status.put("status", "Failure");
      status.put("code", code);
      status.put("message", message);
      return status.toString();
    }
  }
}
