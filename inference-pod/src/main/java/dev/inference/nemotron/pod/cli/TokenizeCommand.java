package dev.inference.nemotron.pod.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inference.nemotron.pod.tokenizer.Tokenizer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** {@code ndd tokenize}: the token ids of a text, as the model sees it (no BOS/EOS added). */
public final class TokenizeCommand implements Command {

  @Override
  public String name() {
    return "tokenize";
  }

  @Override
  public String summary() {
    return "encode text into token ids with a Hugging Face tokenizer.json";
  }

  @Override
  public String usage() {
    return """
        --tokenizer DIR   directory with tokenizer.json (and tokenizer_config.json)
        --text TEXT       the text to encode (special tokens like <|im_start|> are matched)
        --json            print {"ids":[...],"tokens":[...]} instead of comma-separated ids""";
  }

  @Override
  public void run(CommandArgs args, PrintStream out) throws Exception {
    Path dir = args.path("tokenizer");
    String text = args.required("text");
    boolean json = args.flag("json");
    args.requireAllUsed();
    Tokenizer tokenizer = Tokenizer.load(dir);
    int[] ids = tokenizer.encode(text);
    if (!json) {
      out.println(Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(",")));
      return;
    }
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    ArrayNode idArray = root.putArray("ids");
    ArrayNode tokenArray = root.putArray("tokens");
    for (int id : ids) {
      idArray.add(id);
      tokenArray.add(tokenizer.token(id).orElseThrow());
    }
    // UTF-8 whatever the platform encoding: tokens are often not ASCII.
    out.write((mapper.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
