package dev.inference.nemotron.pod.serve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inference.nemotron.pod.serve.config.RequestMode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Well-formed requests: each prompt shape, each option, OpenAI's defaults, ignored fields. */
class OpenAiRequestsTest {

  private static final OpenAiRequests.Limits LIMITS = OpenAiRequests.Limits.DEFAULTS;

  @Test
  void aMinimalCompletionGetsOpenAisDefaults() {
    CompletionRequest request = completion("{'model':'nemotron','prompt':'Once upon'}");

    assertThat(request.model()).isEqualTo("nemotron");
    assertThat(request.prompts()).containsExactly(new Prompt.Text("Once upon"));
    assertThat(request.sampling()).isEqualTo(SamplingOptions.defaults());
    assertThat(request.sampling().maxTokens()).isNull();
    assertThat(request.sampling().temperature()).isEqualTo(1.0);
    assertThat(request.sampling().topP()).isEqualTo(1.0);
    assertThat(request.sampling().topK()).isZero();
    assertThat(request.sampling().seed()).isNull();
    assertThat(request.sampling().stop()).isEmpty();
    assertThat(request.sampling().mode()).isEmpty();
    assertThat(request.sampling().ignoreEos()).isFalse();
    assertThat(request.n()).isEqualTo(1);
    assertThat(request.stream()).isFalse();
    assertThat(request.includeUsage()).isFalse();
  }

  @Test
  void anArrayOfStringsIsOnePromptEach() {
    CompletionRequest request = completion("{'model':'m','prompt':['a','b','c'],'n':2}");

    assertThat(request.prompts())
        .containsExactly(new Prompt.Text("a"), new Prompt.Text("b"), new Prompt.Text("c"));
    assertThat(request.choiceCount()).isEqualTo(6);
    assertThat(request.choiceIndex(0, 1)).isEqualTo(1);
    assertThat(request.choiceIndex(2, 0)).isEqualTo(4);
    assertThat(request.choiceIndex(2, 1)).isEqualTo(5);
  }

  @Test
  void anArrayOfIntegersIsOneTokenPrompt() {
    CompletionRequest request = completion("{'model':'m','prompt':[1, 15043, 0]}");

    assertThat(request.prompts()).containsExactly(new Prompt.Tokens(new int[] {1, 15043, 0}));
  }

  @Test
  void anArrayOfIntegerArraysIsOneTokenPromptEach() {
    CompletionRequest request = completion("{'model':'m','prompt':[[1, 2], [3]]}");

    assertThat(request.prompts())
        .containsExactly(new Prompt.Tokens(new int[] {1, 2}), new Prompt.Tokens(new int[] {3}));
  }

  @Test
  void tokenPromptsAreCopiedNotShared() {
    int[] ids = {5, 6};
    Prompt.Tokens tokens = new Prompt.Tokens(ids);
    ids[0] = 99;
    tokens.ids()[1] = 99;

    assertThat(tokens.ids()).containsExactly(5, 6);
  }

  @Test
  void everySamplingOptionIsRead() {
    CompletionRequest request =
        completion(
            "{'model':'m','prompt':'p','max_tokens':32,'temperature':0,'top_p':0.5,'top_k':40,"
                + "'seed':-7,'stop':['\\n\\n','END'],'mode':'self-speculation','ignore_eos':true,"
                + "'n':3,'stream':true,'stream_options':{'include_usage':true}}");

    assertThat(request.sampling())
        .isEqualTo(
            new SamplingOptions(
                32,
                0.0,
                0.5,
                40,
                -7L,
                List.of("\n\n", "END"),
                Optional.of("self-speculation"),
                true));
    assertThat(request.sampling().greedy()).isTrue();
    assertThat(request.sampling().requestMode()).contains(RequestMode.SELF_SPECULATION);
    assertThat(request.n()).isEqualTo(3);
    assertThat(request.stream()).isTrue();
    assertThat(request.includeUsage()).isTrue();
  }

  @Test
  void eachModeNameIsAccepted() {
    for (RequestMode mode : RequestMode.values()) {
      ChatRequest request = chat(body("'mode':'" + mode.apiName() + "'"));
      assertThat(request.sampling().requestMode()).contains(mode);
    }
  }

  @Test
  void aSingleStopStringIsAListOfOne() {
    assertThat(chat(body("'stop':'###'")).sampling().stop()).containsExactly("###");
  }

  @Test
  void topKMinusOneMeansOffLikeVllm() {
    assertThat(chat(body("'top_k':-1")).sampling().topK()).isZero();
  }

  @Test
  void integralTemperaturesAndLargeSeedsAreAccepted() {
    SamplingOptions sampling = chat(body("'temperature':2,'seed':9223372036854775807")).sampling();

    assertThat(sampling.temperature()).isEqualTo(2.0);
    assertThat(sampling.seed()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void maxCompletionTokensIsMaxTokensAndBothMayAgree() {
    assertThat(chat(body("'max_completion_tokens':7")).sampling().maxTokens()).isEqualTo(7);
    assertThat(chat(body("'max_tokens':7,'max_completion_tokens':7")).sampling().maxTokens())
        .isEqualTo(7);
  }

  @Test
  void nullMeansAbsent() {
    ChatRequest request =
        chat(
            body(
                "'temperature':null,'top_p':null,'max_tokens':null,'stop':null,'seed':null,"
                    + "'n':null,'stream':null,'stream_options':null,'mode':null,'logprobs':null,"
                    + "'tools':null,'response_format':null,'chat_template_kwargs':null"));

    assertThat(request.sampling()).isEqualTo(SamplingOptions.defaults());
    assertThat(request.n()).isEqualTo(1);
    assertThat(request.stream()).isFalse();
    assertThat(request.thinking()).isFalse();
  }

  @Test
  void neutralValuesOfUnsupportedOptionsAndUnknownFieldsAreIgnored() {
    ChatRequest request =
        chat(
            body(
                "'user':'u-1','store':false,'metadata':{'k':'v'},'service_tier':'auto',"
                    + "'parallel_tool_calls':true,'frequency_penalty':0,'presence_penalty':0.0,"
                    + "'repetition_penalty':1.0,'min_p':0,'logit_bias':{},"
                    + "'response_format':{'type':'text'},'logprobs':false,'top_logprobs':0,"
                    + "'tools':[],'functions':[],'tool_choice':'none','function_call':'auto',"
                    + "'modalities':['text'],'reasoning_effort':'low','prediction':null,"
                    + "'x_vendor_extension':{'deep':[1,2,3]}"));

    assertThat(request.sampling()).isEqualTo(SamplingOptions.defaults());
  }

  @Test
  void neutralCompletionOnlyOptionsAreIgnored() {
    CompletionRequest request =
        completion(
            "{'model':'m','prompt':'p','echo':false,'best_of':1,'suffix':'','logprobs':null}");

    assertThat(request.prompts()).hasSize(1);
  }

  @Test
  void streamOptionsWithoutIncludeUsageStreamsWithoutUsage() {
    ChatRequest request = chat(body("'stream':true,'stream_options':{}"));

    assertThat(request.stream()).isTrue();
    assertThat(request.includeUsage()).isFalse();
  }

  @Test
  void aMinimalChatGetsOpenAisDefaults() {
    ChatRequest request =
        chat("{'model':'m','messages':[{'role':'user','content':'Hello','name':'ann'}]}");

    assertThat(request.messages()).containsExactly(new Message("user", "Hello"));
    assertThat(request.sampling()).isEqualTo(SamplingOptions.defaults());
    assertThat(request.n()).isEqualTo(1);
    assertThat(request.stream()).isFalse();
    assertThat(request.includeUsage()).isFalse();
    assertThat(request.thinking()).isFalse();
  }

  @Test
  void developerIsSystemAndTextPartsAreJoinedWithNewlines() {
    ChatRequest request =
        chat(
            "{'model':'m','messages':["
                + "{'role':'developer','content':'Be brief.'},"
                + "{'role':'user','content':[{'type':'text','text':'Line 1'},"
                + "{'type':'text','text':'Line 2'}]},"
                + "{'role':'assistant','content':'Sure.','tool_calls':[]},"
                + "{'role':'system','content':''}]}");

    assertThat(request.messages())
        .containsExactly(
            new Message("system", "Be brief."),
            new Message("user", "Line 1\nLine 2"),
            new Message("assistant", "Sure."),
            new Message("system", ""));
  }

  @Test
  void thinkingComesFromChatTemplateKwargs() {
    assertThat(chat(body("'chat_template_kwargs':{'enable_thinking':true}")).thinking()).isTrue();
    assertThat(chat(body("'chat_template_kwargs':{'enable_thinking':false}")).thinking()).isFalse();
    assertThat(chat(body("'chat_template_kwargs':{}")).thinking()).isFalse();
  }

  @Test
  void limitsAreTheCallersToChoose() {
    OpenAiRequests.Limits tight = new OpenAiRequests.Limits(2, 1, 10, 2);

    assertThatThrownBy(() -> OpenAiRequests.chat(bytes(body("'n':3")), tight))
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> assertThat(e.getMessage()).contains("n must be between 1 and 2, got 3"));
    assertThatThrownBy(() -> OpenAiRequests.chat(bytes(body("'stop':['a','b']")), tight))
        .hasMessageContaining("at most 1");
    assertThatThrownBy(
            () ->
                OpenAiRequests.chat(
                    bytes("{'model':'m','messages':[{'role':'user','content':'12345678901'}]}"),
                    tight))
        .hasMessageContaining("messages is 11 characters long; this server accepts at most 10");
    assertThatThrownBy(
            () -> OpenAiRequests.completion(bytes("{'model':'m','prompt':['a','b','c']}"), tight))
        .hasMessageContaining("prompt holds 3 prompts; this server accepts at most 2");
    assertThatThrownBy(() -> new OpenAiRequests.Limits(0, 4, 10, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unsupportedOptionsCarryAMachineReadableCode() {
    assertThatThrownBy(() -> chat(body("'logprobs':true")))
        .isInstanceOfSatisfying(
            ApiError.class, e -> assertThat(e.code()).isEqualTo("unsupported_parameter"));
  }

  @Test
  void samplingOptionsCheckTheirOwnRanges() {
    assertThatThrownBy(
            () -> new SamplingOptions(0, 1, 1, 0, null, List.of(), Optional.empty(), false))
        .hasMessageContaining("max_tokens");
    assertThatThrownBy(
            () -> new SamplingOptions(null, 1, 1, 0, null, List.of(), Optional.of("turbo"), false))
        .hasMessageContaining("autoregressive, diffusion, self-speculation");
    assertThatThrownBy(
            () -> new SamplingOptions(null, 1, 1, 0, null, List.of(""), Optional.empty(), false))
        .hasMessageContaining("stop");
  }

  private static String body(String extra) {
    return "{'model':'m','messages':[{'role':'user','content':'Hi'}]," + extra + "}";
  }

  private static CompletionRequest completion(String singleQuoted) {
    return OpenAiRequests.completion(bytes(singleQuoted), LIMITS);
  }

  private static ChatRequest chat(String singleQuoted) {
    return OpenAiRequests.chat(bytes(singleQuoted), LIMITS);
  }

  private static byte[] bytes(String singleQuoted) {
    return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }
}
