package dev.inference.nemotron.pod.decode;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The decoding modes of MODEL.md §6, with the names the CLI and API use. */
public enum DecodingMode {
  AUTOREGRESSIVE("ar"),
  DIFFUSION("diffusion"),
  LINEAR_SPEC("linear-spec"),
  QUADRATIC_SPEC("quadratic-spec");

  private final String cliName;

  DecodingMode(String cliName) {
    this.cliName = cliName;
  }

  /** The external name ({@code ar}, {@code diffusion}, {@code linear-spec}, ...). */
  public String cliName() {
    return cliName;
  }

  /**
   * The decoder of this mode.
   *
   * @param blockSize B for diffusion and self-speculation (ignored by AR)
   * @param threshold the diffusion reveal threshold (ignored by the other modes)
   */
  public Decoder decoder(int blockSize, double threshold) {
    return switch (this) {
      case AUTOREGRESSIVE -> new AutoregressiveDecoder();
      case DIFFUSION -> new DiffusionDecoder(blockSize, threshold);
      case LINEAR_SPEC -> new LinearSpecDecoder(blockSize);
      case QUADRATIC_SPEC -> new QuadraticSpecDecoder(blockSize);
    };
  }

  /** The mode named {@code name}; a clear error listing the valid names otherwise. */
  public static DecodingMode parse(String name) {
    for (DecodingMode m : values()) {
      if (m.cliName.equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown decoding mode '"
            + name
            + "': expected one of "
            + Arrays.stream(values()).map(DecodingMode::cliName).collect(Collectors.joining(", ")));
  }
}
