package dev.inference.nemotron.pod.fetch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * A repository at one revision, from {@code GET /api/models/ORG/NAME/revision/REV?blobs=true}: the
 * commit the revision points at and every file, with sizes and (for Git LFS files) SHA-256.
 *
 * @param commit the commit id ({@code sha}), or the revision itself when the listing gave none
 * @param files every file of the repository
 */
public record HubListing(String commit, List<HubFile> files) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public HubListing {
    files = List.copyOf(files);
  }

  /**
   * Parses the Hub's JSON.
   *
   * @throws FetchException when it is not a model listing (a proxy's error page, a wrong
   *     HF_ENDPOINT)
   */
  static HubListing parse(String json, String revision, String where) throws FetchException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new FetchException(
          where
              + " did not answer with JSON ("
              + e.getOriginalMessage()
              + "): is HF_ENDPOINT a"
              + " Hugging Face Hub?");
    }
    if (root == null || !root.path("siblings").isArray()) {
      throw new FetchException(
          where + " answered without a file list ('siblings'): is HF_ENDPOINT a Hugging Face Hub?");
    }
    List<HubFile> files = new ArrayList<>();
    for (JsonNode sibling : root.get("siblings")) {
      String path = sibling.path("rfilename").asText("");
      if (path.isEmpty()) {
        continue;
      }
      JsonNode lfs = sibling.path("lfs");
      long size =
          sibling.path("size").canConvertToLong()
              ? sibling.get("size").asLong()
              : lfs.path("size").canConvertToLong()
                  ? lfs.get("size").asLong()
                  : HubFile.UNKNOWN_SIZE;
      String sha256 = lfs.path("sha256").isTextual() ? lfs.get("sha256").asText() : null;
      files.add(new HubFile(path, size, sha256));
    }
    String commit = root.path("sha").isTextual() ? root.get("sha").asText() : revision;
    return new HubListing(commit, files);
  }
}
