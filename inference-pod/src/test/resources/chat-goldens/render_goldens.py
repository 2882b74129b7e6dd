#!/usr/bin/env python3
"""Renders the chat-template goldens with the real jinja2, the way Hugging Face transformers'
apply_chat_template does (ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True),
the loopcontrols extension, a tojson filter calling json.dumps with ensure_ascii=False, and the
raise_exception global). The Java tests compare the Java renderer with these files exactly and
never run Python themselves.

Usage: python3 render_goldens.py [SHARED_DIR]   (default: ../../../../../../shared)
Writes goldens/<template>.json next to this script.
"""
import copy
import json
import os
import sys

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, *[".."] * 6, "shared")
SPECIAL_TOKEN_KEYS = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token",
                      "cls_token", "mask_token"]


class AssistantTracker(Extension):
    """Hugging Face's {% generation %} block, which renders its body unchanged."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def environment():
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                          sort_keys=sort_keys)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[AssistantTracker, loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    return env


def think(reasoning, answer):
    return "<think>\n" + reasoning + "\n</think>\n\n" + answer


CONVERSATIONS = {
    "system_user": [
        {"role": "system", "content": "You are a careful assistant."},
        {"role": "user", "content": "What is 2+2?"},
    ],
    "user_only": [{"role": "user", "content": "Hello"}],
    "multi_turn": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Name a prime."},
        {"role": "assistant", "content": "7"},
        {"role": "user", "content": "Another one?"},
    ],
    "multi_turn_thinking": [
        {"role": "user", "content": "Is 91 prime?"},
        {"role": "assistant", "content": think("91 = 7 * 13.", "No, 91 = 7 x 13.")},
        {"role": "user", "content": "And 97?"},
        {"role": "assistant", "content": think("Check 2, 3, 5, 7.", "Yes.")},
        {"role": "user", "content": "Thanks"},
    ],
    "ends_with_assistant": [
        {"role": "system", "content": "  Spaces around  "},
        {"role": "user", "content": "Say hi"},
        {"role": "assistant", "content": "<think>\n\nshort\n\n</think>\n\nHi!"},
    ],
    "unicode": [
        {"role": "system", "content": "Grüße aus Zürich — 日本語 🎉"},
        {"role": "user", "content": "Quote \"this\", a back\\slash,\ta tab\nand a newline ✓"},
    ],
    "roles_not_alternating": [
        {"role": "user", "content": "one"},
        {"role": "user", "content": "two"},
    ],
}

FLAGS = [
    {"add_generation_prompt": True, "enable_thinking": True},
    {"add_generation_prompt": True, "enable_thinking": False},
    {"add_generation_prompt": False, "enable_thinking": True},
    {"add_generation_prompt": False, "enable_thinking": False},
]

EXTRA = {
    "n": 7,
    "f": 2.5,
    "big": 1e20,
    "small": 0.0001,
    "tiny": 1.5e-7,
    "flag": True,
    "nothing": None,
    "words": ["banana", "Apple", "cherry", "apple"],
    "tools": [{
        "name": "get_weather",
        "description": "Wetter für Zürich \u2014 \"quoted\"",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                       "required": ["city"]},
    }],
    "nested": {"k": [1, 2.0, "x", None, True], "empty": {}, "list": []},
}


def render(env, source, variables):
    try:
        # a copy: a template may not change the variables the next case renders with
        return {"expected": env.from_string(source).render(**copy.deepcopy(variables))}
    except jinja2.exceptions.TemplateError as e:
        return {"expected_error": str(e)}


def write(name, template_ref, cases, variables=None):
    """Writes the cases; variables shared by all cases are written once, at the top."""
    os.makedirs(os.path.join(HERE, "goldens"), exist_ok=True)
    path = os.path.join(HERE, "goldens", name + ".json")
    document = {"template": template_ref}
    if variables is not None:
        document["variables"] = variables
    document["cases"] = cases
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(path, len(cases), "cases")


def hand_written(env):
    folder = os.path.join(HERE, "templates")
    for file in sorted(os.listdir(folder)):
        with open(os.path.join(folder, file), encoding="utf-8") as f:
            source = f.read()
        cases = []
        for conversation, messages in CONVERSATIONS.items():
            for flags in FLAGS:
                variables = {"messages": messages, **flags, "bos_token": "<s>",
                             "eos_token": "</s>", "tools": None, "extra": EXTRA}
                name = "%s agp=%s think=%s" % (conversation, flags["add_generation_prompt"],
                                               flags["enable_thinking"])
                cases.append({"name": name, "variables": variables, **render(env, source, variables)})
        write(os.path.splitext(file)[0], "templates/" + file, cases)


# Small templates for the interpreter's edge cases; errors only record that jinja2 failed.
SNIPPETS = [
    "  {% if true %}x{% endif %}  \n",
    "{% if true %}\n  x\n{% endif %}\n",
    "a\n  {%- if true %}b{% endif %}",
    "{{ 'a' }}\n{{ 'b' }}\n",
    "{{ 'a' }}  {% if true %}b{% endif %}",
    "x  {# c #}  y",
    "  {#- c -#}  y",
    "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\nc\r\n",
    "x\n\n",
    "{% for i in [1] %}\n\t{{ i }}\n{% endfor %}",
    "{%- for k in {'b': 1, 'a': 2} %}{{ k }}{% else %}none{% endfor %}",
    "{% for i in [1, 2] %}{% for j in [3] %}{{ loop.index }}{% endfor %}{{ loop.index }}{% endfor %}",
    "{% for i in [1, 2, 3] if i != 2 %}{{ loop.index }}/{{ loop.length }}{{ i }} {% endfor %}",
    "{{ '🎉a' | length }} {{ '🎉a'[0] }} {{ '🎉ab'[::-1] }} {{ 'a🎉b'.find('b') }}",
    "{{ 1e300 * 1e300 }} {{ 0.1 * 3 }} {{ 100.0 }} {{ 1e-5 }} {{ 123456789012345678.0 }} {{ -0.0 }} {{ 2.5e-4 }} {{ 1.0e22 }} {{ 5e-324 }}",
    "{{ 'a' ~ [1] }} {{ {'a': none} }} {{ [\"it's\", 'say \"hi\"', 'both \\' \"', 'nl\\n', '\\x01'] }}",
    "{{ '\u2028\u00e9\\x7f' | tojson }} {{ [1.5, -0.0, 1e100] | tojson }} {{ {1: 'int key', true: 'b'} | tojson }}",
    "{{ -7.5 // 2 }} {{ -7.5 % 2 }} {{ 7 % -3 }} {{ true + 1 }} {{ 3 * 1.5 }} {{ 2 ** 0.5 }} {{ -2 ** 2 }}",
    "{% set x = [1, 2] %}{{ x is sequence }} {{ x is mapping }} {{ none is string }} {{ 1 is number }} {{ true is number }} {{ true is integer }}",
    "[{{ none.x }}] [{{ {}.x }}] [{{ [1][3] }}] [{{ 'abc'.nope }}]",
    "{{ (messages | selectattr('role', 'equalto', 'user') | first).content }}",
    "{% set ns = namespace(items=[]) %}{% for m in messages %}{% set ns.items = ns.items + [m.role] %}{% endfor %}{{ ns.items }}",
    "{% macro f(x) %}<{{ x }}|{{ caller_var }}>{% endmacro %}{% set caller_var = 'outer' %}{{ f(1) }}{{ f() }}",
    "{% set s %}  inner {{ 1 }}  {% endset %}[{{ s }}] {{ s | length }}",
    "{{ 'x' if none else 'y' }} {{ 1 if 0 }}| {{ [0, '', [], {}, none, 'a'] | select | list }}",
    "{{ 'A' < 'a' }} {{ [1, 2] < [1, 3] }} {{ (1, 2) == [1, 2] }} {{ 1 == true }} {{ 0 == false }} {{ none == none }} {{ x == y }}",
    "{{ '%s' }} {{ 'a\\tb' }} {{ 'line\\\nnext' }} {{ '\\q' }}",
    "a\n  {% raw %}{{ not evaluated }} {% if %}\n  {% endraw %}\nb",
    "{%- raw -%}  keep {{ this }}  {%- endraw -%}  |",
    "{{ {'b': 1, 'A': 3, 'a': 2} | dictsort }} {{ {'b': 1, 'a': 2} | dictsort(by='value', reverse=true) }}",
    "{% for m in messages %}{% generation %}{{ m.role[0] }}{% endgeneration %}{% endfor %}",
    "{% if not undefined_var is defined %}not-defined{% endif %} {{ messages[0]['content'] if messages[0]['role'] == 'system' else '' }}",
    "{% for m in messages | rejectattr('role', 'equalto', 'system') %}{{ m.role }}{{ '\\n' if not loop.last }}{% endfor %}",
    "{{ messages[-1].content.replace('?', '!').rstrip('!') | trim | length > 3 }}",
    "{{ \"they're 1st x-y\".title() }} {{ \"they're <b>x-y\" | title }} {{ 'ß' | upper }}",
    "{% raw %}unterminated",
    "{% break %}",
    "{% for x in [1] %}{% macro f() %}{% continue %}{% endmacro %}{% endfor %}",
    "{{ x.y }}",
    "{{ x + 1 }}",
    "{{ x() }}",
    "{{ 1 + 'a' }}",
    "{{ [].append(1) }}",
    "{{ 1 / 0 }}",
    "{% for %}",
    "{% if true %}unclosed",
    "{{ 'unterminated }}",
    "{% endfor %}",
    "{{ messages | nosuchfilter }}",
    "{{ 1 is nosuchtest }}",
]


def snippets(env):
    variables = {"messages": CONVERSATIONS["multi_turn"]}
    cases = []
    for source in SNIPPETS:
        try:
            result = {"expected": env.from_string(source).render(**copy.deepcopy(variables))}
        except Exception as e:  # TemplateError, TypeError, ZeroDivisionError, SecurityError...
            result = {"expected_error": type(e).__name__}
        cases.append({"name": source, **result})
    write("snippets", "inline", cases, variables)


# Random expressions over chat-like values (seeded, so the file is reproducible). Left out: what
# prints Python object addresses (generators, iterators, dict views), printf-style '%' on strings,
# and slices of constants (which jinja2's constant folding treats differently from runtime values).
FUZZ_ATOMS = ["1", "0", "-3", "2.5", "0.1", "1e3", "'ab'", "''", "'Hello World'", "' x '", "true",
              "false", "none", "[1, 2, 3]", "[]", "['b', 'A', 'c']", "{'k': 1, 'j': [2]}", "{}", "m",
              "m.role", "m.content", "msgs", "msgs[0]", "msgs[-1].content", "n", "f", "s", "u", "lst",
              "d", "(1, 'x')", "'\u00e9\U0001f389x'", "lst[1:]", "s[::-1]", "u[:-2]", "msgs[::2]"]
FUZZ_OPERATORS = ["+", "-", "*", "/", "//", "~", "==", "!=", "<", ">", "<=", ">=", "and", "or", "in",
                  "not in", "**"]
FUZZ_FILTERS = ["length", "upper", "lower", "trim", "tojson", "string", "list", "first", "last",
                "default('D')", "join(',')", "sort", "int", "float", "abs", "capitalize", "title",
                "replace('a', 'Z')", "sum", "min", "max", "count", "tojson(indent=1)", "dictsort",
                "indent(2)", "e", "unique | list", "select | list", "map('string') | list",
                "map(attribute='role') | join('/')", "selectattr('role', 'equalto', 'user') | list",
                "reverse | list", "items | list", "default(none, true)"]
FUZZ_TESTS = ["defined", "undefined", "none", "string", "number", "integer", "float", "mapping",
              "iterable", "sequence", "true", "false", "boolean", "odd", "even", "divisibleby 2",
              "eq 1", "in [1, 'ab']", "lower", "upper"]
FUZZ_METHODS = [".upper()", ".lower()", ".strip()", ".split()", ".split('a')", ".startswith('a')",
                ".endswith('b')", ".replace('l', 'L')", ".title()", ".lstrip('H')", ".rstrip()",
                ".find('o')", ".count('l')", ".items() | list", ".keys() | list", ".get('k')",
                ".get('zz', 5)", "[0]", "[-1]", ".k", ".role", "[1]"]


def fuzz_expression(rng, depth):
    r = rng.random()
    if depth <= 0 or r < 0.25:
        return rng.choice(FUZZ_ATOMS)
    if r < 0.42:
        return "(%s %s %s)" % (fuzz_expression(rng, depth - 1), rng.choice(FUZZ_OPERATORS),
                               fuzz_expression(rng, depth - 1))
    if r < 0.47:
        return "((%s | int) %% (%s | int))" % (fuzz_expression(rng, depth - 1),
                                               fuzz_expression(rng, depth - 1))
    if r < 0.62:
        return "(%s | %s)" % (fuzz_expression(rng, depth - 1), rng.choice(FUZZ_FILTERS))
    if r < 0.72:
        return "(%s is %s%s)" % (fuzz_expression(rng, depth - 1), rng.choice(["", "not "]),
                                 rng.choice(FUZZ_TESTS))
    if r < 0.83:
        return "(%s)%s" % (fuzz_expression(rng, depth - 1), rng.choice(FUZZ_METHODS))
    if r < 0.9:
        return "(%s if %s else %s)" % tuple(fuzz_expression(rng, depth - 1) for _ in range(3))
    if r < 0.95:
        return "(not %s)" % fuzz_expression(rng, depth - 1)
    return "[%s, %s]" % (fuzz_expression(rng, depth - 1), fuzz_expression(rng, depth - 1))


def fuzz(env, count=1000):
    import random
    rng = random.Random(20261123)
    variables = {"m": {"role": "user", "content": "Hello"}, "msgs": CONVERSATIONS["multi_turn"],
                 "n": 7, "f": 1.5, "s": "a b\tc", "lst": [3, 1, 2], "d": {"b": 2, "a": 1},
                 "u": "Gr\u00fc\u00dfe \u2713"}
    cases = []
    while len(cases) < count:
        source = "{{ %s }}" % fuzz_expression(rng, 3)
        try:
            result = {"expected": env.from_string(source).render(**copy.deepcopy(variables))}
        except Exception as e:
            result = {"expected_error": type(e).__name__}
        text = json.dumps(result)
        if any(word in text for word in ("generator", "iterator", "dict_", "Markup")):
            continue
        cases.append({"name": source, **result})
    write("expressions_fuzz", "inline", cases, variables)


def token_text(value):
    return value["content"] if isinstance(value, dict) else value


def checkpoint(env, tokenizer):
    """A fixture tokenizer's own chat_template, with the variables apply_chat_template passes."""
    with open(os.path.join(SHARED, "fixtures", "tokenizers", tokenizer, "tokenizer_config.json"),
              encoding="utf-8") as f:
        config = json.load(f)
    template = config["chat_template"]
    if isinstance(template, list):
        template = next(t["template"] for t in template if t["name"] == "default")
    special = {k: token_text(config[k]) for k in SPECIAL_TOKEN_KEYS if config.get(k) is not None}
    if config.get("additional_special_tokens"):
        special["additional_special_tokens"] = [token_text(t) for t in
                                                config["additional_special_tokens"]]
    cases = []
    for conversation, messages in CONVERSATIONS.items():
        for flags in FLAGS:
            variables = {"messages": messages, "tools": None, "documents": None, **special, **flags}
            name = "%s agp=%s think=%s" % (conversation, flags["add_generation_prompt"],
                                           flags["enable_thinking"])
            cases.append({"name": name, "variables": variables, **render(env, template, variables)})
    write(tokenizer, "fixtures/tokenizers/%s/tokenizer_config.json" % tokenizer, cases)


if __name__ == "__main__":
    assert jinja2.__version__ == "3.1.6", "goldens are made with jinja2 3.1.6, found " + jinja2.__version__
    env = environment()
    hand_written(env)
    snippets(env)
    fuzz(env)
    checkpoint(env, "qwen3")
