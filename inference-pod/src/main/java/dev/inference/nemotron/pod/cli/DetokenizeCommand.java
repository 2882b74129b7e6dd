package dev.inference.nemotron.pod.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inference.nemotron.pod.tokenizer.Tokenizer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** {@code ndd detokenize}: the text of token ids. */
public final class DetokenizeCommand implements Command {

  @Override
  public String name() {
    return "detokenize";
  }

  @Override
  public String summary() {
    return "decode token ids into text with a Hugging Face tokenizer.json";
  }

  @Override
  public String usage() {
    return """
        --tokenizer DIR         directory with tokenizer.json (and tokenizer_config.json)
        --ids 1,2,3             the token ids, comma-separated
        --skip-special-tokens   leave out special tokens (<|im_end|>, <s>, ...)
        --json                  print {"text":"..."}""";
  }

  @Override
  public void run(CommandArgs args, PrintStream out) throws Exception {
    Path dir = args.path("tokenizer");
    int[] ids = args.integers("ids");
    boolean skipSpecial = args.flag("skip-special-tokens");
    boolean json = args.flag("json");
    args.requireAllUsed();
    Tokenizer tokenizer = Tokenizer.load(dir);
    for (int id : ids) {
      if (tokenizer.token(id).isEmpty()) {
        throw new UsageException(
            "--ids: "
                + id
                + " is not a token id of "
                + dir
                + " (0.."
                + (tokenizer.vocabularySize() - 1)
                + ")");
      }
    }
    String text = tokenizer.decode(ids, skipSpecial);
    String printed = json ? new ObjectMapper().writeValueAsString(Map.of("text", text)) : text;
    // UTF-8 whatever the platform encoding: decoded text is often not ASCII.
    out.write((printed + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
