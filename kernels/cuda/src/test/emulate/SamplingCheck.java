import dev.inference.nemotron.pod.decode.SamplingParams;
import dev.inference.nemotron.pod.decode.TokenPicker;
import dev.inference.nemotron.pod.engine.Logits;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * The host side of emulate-sampling.sh. {@code rules DIR ROWS SET} writes the sampling rules
 * (temperature, top-k, top-p) and each row's draw ({@link TokenPicker#draws}, as the decoders make
 * them); {@code check DIR VOCAB ROWS SET} compares the kernels' picks with {@link
 * TokenPicker#choose} on the same logits: the same id, or (fp32 rounding) a kept id whose host
 * interval of the cumulative distribution lies within 1e-4 of the draw; confidences within 1e-5.
 */
public final class SamplingCheck {
  private static final int MASK = 100; // sampling_harness.cpp's excluded id

  private static List<SamplingParams> rules(String set) {
    List<SamplingParams> out = new ArrayList<>();
    out.add(SamplingParams.greedy(1));
    if (set.equals("few")) {
      for (double[] r :
          new double[][] {{1.0, 0, 1}, {0.7, 2, 1}, {1.3, 40, 0.9}, {1.0, 0, 0.3}, {0.5, 600, 0.95}}) {
        out.add(rule(r[0], (int) r[1], r[2], out.size()));
      }
      return out;
    }
    for (double t : new double[] {0.5, 1.0, 1.7}) {
      for (int k : new int[] {0, 1, 2, 3, 40, 600}) {
        for (double p : new double[] {1.0, 0.95, 0.3, 1e-6}) {
          out.add(rule(t, k, p, out.size()));
        }
      }
    }
    return out;
  }

  private static SamplingParams rule(double t, int k, double p, long seed) {
    return new SamplingParams(t, k, p, 17 + seed, 1, List.of(), List.of());
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[1]);
    if (args[0].equals("rules")) {
      int rows = Integer.parseInt(args[2]);
      int[] positions = new int[rows];
      Arrays.setAll(positions, r -> 10 + r);
      try (PrintWriter rules = new PrintWriter(dir.resolve("rules.txt").toFile());
          PrintWriter draws = new PrintWriter(dir.resolve("draws.txt").toFile())) {
        for (SamplingParams p : rules(args[3])) {
          rules.println(p.temperature() + " " + p.topK() + " " + p.topP());
          for (double u : new TokenPicker(p, MASK).draws(positions, 1)) {
            draws.println(u);
          }
        }
      }
      return;
    }
    int vocab = Integer.parseInt(args[2]);
    int rows = Integer.parseInt(args[3]);
    ByteBuffer bytes =
        ByteBuffer.wrap(Files.readAllBytes(dir.resolve("logits.bin")))
            .order(ByteOrder.nativeOrder());
    float[][] logits = new float[rows][vocab];
    for (float[] row : logits) {
      for (int i = 0; i < vocab; i++) {
        row[i] = bytes.getFloat();
      }
    }
    Iterator<String> draws = Files.readAllLines(dir.resolve("draws.txt")).iterator();
    Iterator<String> picks = Files.readAllLines(dir.resolve("picks.txt")).iterator();
    int exact = 0;
    int rounding = 0;
    List<String> wrong = new ArrayList<>();
    for (SamplingParams p : rules(args[4])) {
      TokenPicker host = new TokenPicker(p, MASK);
      for (int r = 0; r < rows; r++) {
        double u = Double.parseDouble(draws.next());
        String[] pick = picks.next().split(" ");
        int id = Integer.parseInt(pick[0]);
        double confidence = Double.parseDouble(pick[1]);
        int expected = host.choose(logits[r], u);
        String where = "T=" + p.temperature() + " k=" + p.topK() + " p=" + p.topP() + " row " + r;
        if (id < 0 || Math.abs(confidence - Logits.confidence(logits[r], id)) > 1e-5) {
          wrong.add(where + ": confidence " + confidence + " of id " + id);
        } else if (id == expected) {
          exact++;
        } else if (withinRounding(host.candidates(logits[r]), u, id)) {
          rounding++;
        } else {
          wrong.add(where + ": kernel " + id + ", host " + expected + " (u " + u + ")");
        }
      }
    }
    wrong.forEach(System.out::println);
    System.out.println(
        (wrong.isEmpty() ? "emulate-sampling: PASS " : "emulate-sampling: FAIL ")
            + exact
            + " picks equal the host's, "
            + rounding
            + " within fp32 rounding, "
            + wrong.size()
            + " wrong ("
            + vocab
            + " ids, "
            + rows
            + " rows)");
    System.exit(wrong.isEmpty() ? 0 : 1);
  }

  private static boolean withinRounding(TokenPicker.Candidates c, double u, int id) {
    double from = 0;
    for (int q = 0; q < c.ids().length; q++) {
      double to = from + c.probabilities()[q];
      if (c.ids()[q] == id) {
        return u >= from - 1e-4 && u <= to + 1e-4;
      }
      from = to;
    }
    return false;
  }
}
