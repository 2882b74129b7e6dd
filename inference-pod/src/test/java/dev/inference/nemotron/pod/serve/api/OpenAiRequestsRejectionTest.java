package dev.inference.nemotron.pod.serve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad request bodies, one per row: each must be a 400 whose {@code param} names the field and whose
 * message says what is wrong. Bodies are written with single quotes for readability.
 */
class OpenAiRequestsRejectionTest {

  enum Endpoint {
    COMPLETION,
    CHAT
  }

  private static final String COMPLETION_BASE = "'model':'m','prompt':'Hello'";
  private static final String CHAT_BASE = "'model':'m','messages':[{'role':'user','content':'Hi'}]";

  static Stream<Arguments> badBodies() {
    List<Arguments> rows = new ArrayList<>();
    // The body as a whole.
    raw(rows, Endpoint.COMPLETION, "", null, "request body is empty");
    raw(rows, Endpoint.CHAT, "  \n ", null, "request body is empty");
    raw(rows, Endpoint.COMPLETION, "{", null, "request body is not valid JSON");
    raw(rows, Endpoint.COMPLETION, "{'model': 'm',}", null, "(at line 1, column");
    raw(rows, Endpoint.CHAT, "[1, 2]", null, "must be a JSON object, got an array");
    raw(rows, Endpoint.CHAT, "'hello'", null, "must be a JSON object, got the string");
    raw(
        rows,
        Endpoint.COMPLETION,
        "{'model':'m','prompt':'a','model':'n'}",
        null,
        "Duplicate field 'model'");
    raw(rows, Endpoint.COMPLETION, "{'model':'m','prompt':'a'} {}", null, "not valid JSON");
    raw(
        rows,
        Endpoint.COMPLETION,
        "{'model':'m','prompt':'a','x':" + "[".repeat(100) + "]".repeat(100) + "}",
        null,
        "nests arrays and objects deeper than 32 levels");
    prompt(rows, "'a','seed':" + "9".repeat(70), null, "a number longer than 64 characters");
    raw(rows, Endpoint.COMPLETION, "{'model':'m','prompt':'a'} {}", null, "more content after");
    raw(
        rows,
        Endpoint.CHAT,
        "{",
        null,
        "expected close marker for Object (start marker at [line: 1");
    // model
    raw(rows, Endpoint.COMPLETION, "{'prompt':'a'}", "model", "model is required");
    raw(rows, Endpoint.CHAT, "{'model':null,'messages':[]}", "model", "model is required");
    raw(rows, Endpoint.COMPLETION, "{'model':5,'prompt':'a'}", "model", "must be a string, got 5");
    raw(rows, Endpoint.COMPLETION, "{'model':'','prompt':'a'}", "model", "must not be empty");
    // prompt
    raw(rows, Endpoint.COMPLETION, "{'model':'m'}", "prompt", "prompt is required");
    prompt(rows, "''", "prompt", "prompt must not be empty");
    prompt(rows, "[]", "prompt", "prompt must not be empty");
    prompt(rows, "5", "prompt", "an array of token-id arrays, got 5");
    prompt(rows, "['a', 1]", "prompt", "prompt[1] must be a string like prompt[0]");
    prompt(rows, "[1, 'a']", "prompt", "prompt[1] must be a token id");
    prompt(rows, "[1, -2]", "prompt", "(an integer >= 0), got -2");
    prompt(rows, "[1, 2.5]", "prompt", "got 2.5");
    prompt(rows, "[1, 3000000000]", "prompt", "got 3000000000");
    prompt(rows, "[[1], []]", "prompt", "prompt[1] must not be empty");
    prompt(rows, "[[1], 'a']", "prompt", "prompt[1] must be an array of token ids");
    prompt(rows, "['a', '']", "prompt", "prompt[1] must not be empty");
    prompt(rows, "[{}]", "prompt", "prompt[0] must be a string, a token id or");
    prompt(rows, "[" + "'a',".repeat(64) + "'a']", "prompt", "at most 64");
    prompt(rows, "'" + "x".repeat((1 << 20) + 1) + "'", "prompt", "at most 1048576");
    // messages
    raw(rows, Endpoint.CHAT, "{'model':'m'}", "messages", "messages is required");
    raw(rows, Endpoint.CHAT, "{'model':'m','messages':{}}", "messages", "got an empty object");
    raw(rows, Endpoint.CHAT, "{'model':'m','messages':[]}", "messages", "must not be empty");
    messages(rows, "['hi']", "messages[0]", "must be an object with role and content");
    messages(rows, "[{'content':'hi'}]", "messages[0].role", "messages[0].role is required");
    messages(rows, "[{'role':'bot','content':'x'}]", "messages[0].role", "got the string \"bot\"");
    messages(rows, "[{'role':5,'content':'x'}]", "messages[0].role", "must be a string, got 5");
    messages(
        rows,
        "[{'role':'user','content':'x'},{'role':'tool','content':'4','tool_call_id':'c'}]",
        "messages[1].role",
        "'tool' is not supported");
    messages(rows, "[{'role':'user'}]", "messages[0].content", "is required");
    messages(rows, "[{'role':'user','content':5}]", "messages[0].content", "text parts, got 5");
    messages(
        rows,
        "[{'role':'user','content':[{'type':'image_url','image_url':{'url':'x'}}]}]",
        "messages[0].content[0].type",
        "only text content is supported");
    messages(
        rows,
        "[{'role':'user','content':[{'type':'text'}]}]",
        "messages[0].content[0].text",
        "is required");
    messages(rows, "[{'role':'user','content':['hi']}]", "messages[0].content[0]", "an object");
    messages(
        rows,
        "[{'role':'user','content':[{'text':'hi'}]}]",
        "messages[0].content[0].type",
        "is required");
    messages(
        rows,
        "[{'role':'user','content':'x'},{'role':'assistant','content':null,"
            + "'tool_calls':[{'id':'c','type':'function'}]}]",
        "messages[1].tool_calls",
        "not supported");
    // max_tokens, max_completion_tokens
    completion(
        rows, "'max_tokens':'16'", "max_tokens", "must be an integer, got the string \"16\"");
    completion(rows, "'max_tokens':16.0", "max_tokens", "must be an integer, got 16.0");
    completion(rows, "'max_tokens':0", "max_tokens", "must be >= 1, got 0");
    completion(rows, "'max_tokens':99999999999", "max_tokens", "got 99999999999");
    chat(rows, "'max_tokens':10,'max_completion_tokens':20", "max_completion_tokens", "differ");
    chat(rows, "'max_completion_tokens':-1", "max_completion_tokens", "got -1");
    // temperature, top_p, top_k, seed
    chat(rows, "'temperature':2.5", "temperature", "between 0 and 2, got 2.5");
    chat(rows, "'temperature':-0.1", "temperature", "got -0.1");
    chat(rows, "'temperature':'hot'", "temperature", "must be a number");
    completion(rows, "'top_p':0", "top_p", "greater than 0 and at most 1, got 0");
    completion(rows, "'top_p':1.5", "top_p", "got 1.5");
    completion(rows, "'top_k':-2", "top_k", "must be >= -1, got -2");
    completion(rows, "'top_k':2.5", "top_k", "must be an integer");
    completion(rows, "'seed':'x'", "seed", "must be an integer");
    completion(rows, "'seed':1.5", "seed", "must be an integer, got 1.5");
    completion(rows, "'seed':99999999999999999999", "seed", "got 99999999999999999999");
    // n
    chat(rows, "'n':0", "n", "between 1 and 16, got 0");
    chat(rows, "'n':17", "n", "between 1 and 16, got 17");
    chat(rows, "'n':true", "n", "must be an integer, got true");
    // stop
    completion(rows, "'stop':5", "stop", "must be a string or an array of strings, got 5");
    completion(rows, "'stop':['a','b','c','d','e']", "stop", "at most 4");
    completion(rows, "'stop':['']", "stop", "must not be empty");
    completion(rows, "'stop':''", "stop", "must not be empty");
    completion(rows, "'stop':['a', 1]", "stop", "stop[1] must be a string, got 1");
    // extensions
    chat(rows, "'mode':'fast'", "mode", "one of autoregressive, diffusion, self-speculation");
    chat(rows, "'mode':1", "mode", "must be a string");
    chat(rows, "'ignore_eos':'yes'", "ignore_eos", "must be a boolean");
    chat(rows, "'chat_template_kwargs':{'foo':1}", "chat_template_kwargs.foo", "not supported");
    chat(
        rows,
        "'chat_template_kwargs':{'enable_thinking':'yes'}",
        "chat_template_kwargs.enable_thinking",
        "must be a boolean");
    chat(rows, "'chat_template_kwargs':true", "chat_template_kwargs", "must be an object");
    // stream, stream_options
    chat(rows, "'stream':'true'", "stream", "must be a boolean (true or false), got the string");
    chat(rows, "'stream_options':{'include_usage':true}", "stream_options", "only allowed when");
    chat(
        rows,
        "'stream':false,'stream_options':{'include_usage':true}",
        "stream_options",
        "only allowed when stream is true");
    chat(
        rows,
        "'stream':true,'stream_options':{'include_usage':'yes'}",
        "stream_options.include_usage",
        "must be a boolean");
    chat(rows, "'stream':true,'stream_options':[]", "stream_options", "must be an object");
    // OpenAI options that would change the result and are not implemented
    chat(rows, "'logprobs':true", "logprobs", "logprobs is not supported");
    chat(rows, "'logprobs':'yes'", "logprobs", "must be a boolean");
    completion(rows, "'logprobs':2", "logprobs", "logprobs is not supported");
    completion(rows, "'logprobs':'x'", "logprobs", "must be an integer");
    chat(rows, "'top_logprobs':3", "top_logprobs", "top_logprobs is not supported");
    chat(
        rows,
        "'tools':[{'type':'function','function':{'name':'f'}}]",
        "tools",
        "tool calling is not supported");
    chat(rows, "'functions':[{'name':'f'}]", "functions", "tool calling is not supported");
    chat(rows, "'tools':{}", "tools", "must be an array");
    chat(rows, "'tool_choice':'required'", "tool_choice", "is not supported");
    chat(rows, "'tool_choice':{'type':'function'}", "tool_choice", "is not supported");
    completion(rows, "'echo':true", "echo", "echo is not supported");
    completion(rows, "'best_of':3", "best_of", "best_of > 1 is not supported");
    completion(rows, "'best_of':0", "best_of", "between 1 and 20, got 0");
    completion(rows, "'suffix':'end'", "suffix", "suffix (insertion) is not supported");
    chat(rows, "'frequency_penalty':0.5", "frequency_penalty", "only 0 (no effect)");
    chat(rows, "'presence_penalty':-1", "presence_penalty", "got -1");
    chat(rows, "'frequency_penalty':'none'", "frequency_penalty", "must be a number");
    completion(rows, "'repetition_penalty':1.2", "repetition_penalty", "only 1 (no effect)");
    completion(rows, "'min_p':0.1", "min_p", "is not supported");
    chat(rows, "'logit_bias':{'50256':-100}", "logit_bias", "logit_bias is not supported");
    chat(rows, "'logit_bias':[]", "logit_bias", "must be an object");
    chat(rows, "'response_format':{'type':'json_object'}", "response_format", "'json_object'");
    chat(rows, "'response_format':{}", "response_format.type", "is required");
    chat(rows, "'response_format':'text'", "response_format", "must be an object");
    chat(rows, "'guided_json':{'type':'object'}", "guided_json", "guided decoding");
    chat(rows, "'modalities':['text','audio']", "modalities", "outputs text only");
    chat(rows, "'audio':{'voice':'alloy'}", "audio", "audio output is not supported");
    return rows.stream();
  }

  @ParameterizedTest(name = "[{index}] {0} param={2}: {3}")
  @MethodSource("badBodies")
  void rejectsWithTheFieldAndAMessageAPersonCanActOn(
      Endpoint endpoint, String body, String param, String fragment) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ApiError error =
        catchThrowableOfType(
            ApiError.class,
            () -> {
              if (endpoint == Endpoint.COMPLETION) {
                OpenAiRequests.completion(bytes, OpenAiRequests.Limits.DEFAULTS);
              } else {
                OpenAiRequests.chat(bytes, OpenAiRequests.Limits.DEFAULTS);
              }
            });

    assertThat(error).as("an ApiError for %s", abbreviate(body)).isNotNull();
    assertThat(error.status()).isEqualTo(400);
    assertThat(error.type()).isEqualTo(ApiError.INVALID_REQUEST);
    assertThat(error.param()).isEqualTo(param);
    assertThat(error.getMessage()).contains(fragment);
  }

  @Test
  void tableHoldsAtLeastFortyBodies() {
    assertThat(badBodies().count()).isGreaterThanOrEqualTo(40);
  }

  private static void raw(
      List<Arguments> rows, Endpoint endpoint, String body, String param, String fragment) {
    rows.add(Arguments.of(endpoint, json(body), param, fragment));
  }

  private static void completion(
      List<Arguments> rows, String extra, String param, String fragment) {
    raw(rows, Endpoint.COMPLETION, "{" + COMPLETION_BASE + "," + extra + "}", param, fragment);
  }

  private static void prompt(List<Arguments> rows, String prompt, String param, String fragment) {
    raw(rows, Endpoint.COMPLETION, "{'model':'m','prompt':" + prompt + "}", param, fragment);
  }

  private static void chat(List<Arguments> rows, String extra, String param, String fragment) {
    raw(rows, Endpoint.CHAT, "{" + CHAT_BASE + "," + extra + "}", param, fragment);
  }

  private static void messages(
      List<Arguments> rows, String messages, String param, String fragment) {
    raw(rows, Endpoint.CHAT, "{'model':'m','messages':" + messages + "}", param, fragment);
  }

  private static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  private static String abbreviate(String body) {
    return body.length() > 120 ? body.substring(0, 120) + "..." : body;
  }
}
