"""Shared helpers for the static checks of the observability stack (tests/stack).

Loads the stack's files from the repository (RB_SOURCE_DIR, or two levels up from
here), parses Grafana Alloy's configuration syntax well enough to lint it, and holds
the backend's documented log line format (docs/architecture/LOGGING_DESIGN.md).
Python 3 standard library and PyYAML only.
"""

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(os.environ.get("RB_SOURCE_DIR") or Path(__file__).resolve().parents[2])
LOGGING = ROOT / "logging"
STACK_COMPOSE = ROOT / "docker-compose.logging.yml"
APP_COMPOSE = ROOT / "docker-compose.yml"
ALLOY_CONFIG = LOGGING / "alloy-config.alloy"
TEMPO_CONFIG = LOGGING / "tempo-config.yml"
LOKI_CONFIG = LOGGING / "loki-config.yml"
PROVISIONING = LOGGING / "grafana" / "provisioning"
SMOKE_SCRIPT = ROOT / "scripts" / "smoke-observability"


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def yaml_files():
    """Every YAML file the stack consists of."""
    files = [STACK_COMPOSE, APP_COMPOSE]
    files += sorted(p for p in LOGGING.rglob("*") if p.suffix in (".yml", ".yaml"))
    return files


def split_host_port(endpoint):
    """'http://tempo:3200/x' or 'tempo:4317' -> ('tempo', 3200|4317)."""
    m = re.match(r"^(?:[a-z]+://)?([^/:]+):(\d+)(?:/.*)?$", endpoint)
    if not m:
        raise ValueError(f"not host:port: {endpoint!r}")
    return m.group(1), int(m.group(2))


def published_container_ports(service):
    """Container ports a compose service publishes ('3000:3000' -> 3000)."""
    ports = set()
    for p in service.get("ports", []):
        text = str(p).split("/")[0]
        ports.add(int(text.rsplit(":", 1)[-1]))
    return ports


# ----------------------------------------------------------------------------------
# The backend's log line (JSON, one object per line). LOGGING_DESIGN.md, "Log line".
# ----------------------------------------------------------------------------------

LOG_LEVELS = {"trace", "debug", "info", "warn", "error"}
LOG_CORE_FIELDS = ["timestamp", "level", "target", "message"]
LOG_CORRELATION_FIELDS = ["trace_id", "span_id", "request_id", "user_id"]
ACCESS_FIELDS = ["method", "route", "path", "status", "duration_ms", "bytes_in",
                 "bytes_out", "client_address", "user_agent"]
TIMESTAMP_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$")


def documented_access_line():
    """An access line written exactly as the format specifies (no spaces, key order)."""
    return ('{"timestamp":"2026-11-24T23:20:15.123456Z","level":"info","target":"http",'
            '"message":"request completed","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736",'
            '"span_id":"00f067aa0ba902b7","request_id":"5f0c2a9e8b7d4c1a","user_id":42,'
            '"method":"GET","route":"/api/boards/{id}","path":"/api/boards/7","status":200,'
            '"duration_ms":1.234,"bytes_in":0,"bytes_out":187,"client_address":"127.0.0.1",'
            '"user_agent":"curl/7.88.1"}')


# ----------------------------------------------------------------------------------
# Grafana Alloy configuration syntax: a small parser for linting, not a full one.
# Supports what our config uses: blocks (`a.b "label" { ... }`, `name { ... }`),
# attributes (`key = value`), strings, numbers, bools, null, lists, objects, dotted
# references and function calls. Anything else is reported as an error.
# ----------------------------------------------------------------------------------


class AlloySyntaxError(Exception):
    pass


@dataclass(frozen=True)
class Ref:
    parts: tuple

    def __str__(self):
        return ".".join(self.parts)


@dataclass(frozen=True)
class Call:
    name: tuple
    args: tuple


@dataclass
class Block:
    name: tuple              # ("otelcol", "receiver", "otlp")
    label: str | None        # "backend", or None for inner blocks
    attrs: dict = field(default_factory=dict)
    blocks: list = field(default_factory=list)
    line: int = 0

    @property
    def kind(self):
        return ".".join(self.name)

    def inner(self, name):
        return [b for b in self.blocks if b.kind == name]


_TOKEN_RE = re.compile(r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<line_comment>//[^\n]*)
  | (?P<block_comment>/\*.*?\*/)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<raw>`[^`]*`)
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[{}\[\]()=,.])
""", re.VERBOSE | re.DOTALL)


def tokenize(text):
    tokens, pos, line = [], 0, 1
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m:
            snippet = text[pos:pos + 20].split("\n")[0]
            if text[pos] == '"':
                raise AlloySyntaxError(f"line {line}: unterminated string: {snippet!r}")
            if text.startswith("/*", pos):
                raise AlloySyntaxError(f"line {line}: unterminated block comment")
            raise AlloySyntaxError(f"line {line}: unexpected text {snippet!r}")
        kind = m.lastgroup
        value = m.group(kind)
        if kind not in ("ws", "line_comment", "block_comment"):
            if kind == "string":
                value = json.loads(value)   # Alloy string escapes are a subset of JSON's
            elif kind == "raw":
                kind, value = "string", value[1:-1]
            tokens.append((kind, value, line))
        line += m.group(0).count("\n")
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, tokens):
        self.t = tokens
        self.i = 0

    def peek(self, k=0):
        j = self.i + k
        return self.t[j] if j < len(self.t) else ("eof", None, self.t[-1][2] if self.t else 0)

    def take(self, kind=None, value=None):
        tok = self.peek()
        if (kind and tok[0] != kind) or (value is not None and tok[1] != value):
            want = value if value is not None else kind
            raise AlloySyntaxError(f"line {tok[2]}: expected {want!r}, found {tok[1]!r}")
        self.i += 1
        return tok

    def body(self, closing):
        attrs, blocks = {}, []
        while True:
            tok = self.peek()
            if closing is None and tok[0] == "eof":
                return attrs, blocks
            if closing is not None and tok == ("punct", "}", tok[2]):
                self.take("punct", "}")
                return attrs, blocks
            if tok[0] == "eof":
                raise AlloySyntaxError("unbalanced braces: end of file inside a block")
            name_tok = self.take("ident")
            name = [name_tok[1]]
            while self.peek()[:2] == ("punct", "."):
                self.take("punct", ".")
                name.append(self.take("ident")[1])
            nxt = self.peek()
            if nxt[:2] == ("punct", "=") and len(name) == 1:
                self.take("punct", "=")
                if name[0] in attrs:
                    raise AlloySyntaxError(f"line {name_tok[2]}: attribute {name[0]} set twice")
                attrs[name[0]] = self.expr()
                continue
            label = None
            if nxt[0] == "string":
                label = self.take("string")[1]
            self.take("punct", "{")
            a, b = self.body("}")
            blocks.append(Block(tuple(name), label, a, b, name_tok[2]))

    def expr(self):
        kind, value, line = self.peek()
        if kind == "string":
            self.i += 1
            return value
        if kind == "number":
            self.i += 1
            return float(value) if any(c in value for c in ".eE") else int(value)
        if kind == "punct" and value == "[":
            self.take()
            items = []
            while self.peek()[:2] != ("punct", "]"):
                items.append(self.expr())
                if self.peek()[:2] == ("punct", ","):
                    self.take()
                elif self.peek()[:2] != ("punct", "]"):
                    raise AlloySyntaxError(f"line {self.peek()[2]}: expected ',' or ']'")
            self.take("punct", "]")
            return items
        if kind == "punct" and value == "{":
            self.take()
            obj = {}
            while self.peek()[:2] != ("punct", "}"):
                key_tok = self.peek()
                if key_tok[0] not in ("ident", "string"):
                    raise AlloySyntaxError(f"line {key_tok[2]}: expected an object key")
                self.take()
                self.take("punct", "=")
                obj[key_tok[1]] = self.expr()
                if self.peek()[:2] == ("punct", ","):
                    self.take()
                elif self.peek()[:2] != ("punct", "}"):
                    raise AlloySyntaxError(f"line {self.peek()[2]}: expected ',' or '}}'")
            self.take("punct", "}")
            return obj
        if kind == "ident":
            if value in ("true", "false"):
                self.i += 1
                return value == "true"
            if value == "null":
                self.i += 1
                return None
            parts = [self.take("ident")[1]]
            while self.peek()[:2] == ("punct", "."):
                self.take()
                parts.append(self.take("ident")[1])
            if self.peek()[:2] == ("punct", "("):
                self.take()
                args = []
                while self.peek()[:2] != ("punct", ")"):
                    args.append(self.expr())
                    if self.peek()[:2] == ("punct", ","):
                        self.take()
                self.take("punct", ")")
                return Call(tuple(parts), tuple(args))
            return Ref(tuple(parts))
        raise AlloySyntaxError(f"line {line}: unexpected {value!r} in an expression")


def parse_alloy(text):
    """Returns the top-level blocks (components) of an Alloy configuration."""
    tokens = tokenize(text)
    parser = _Parser(tokens)
    attrs, blocks = parser.body(None)
    if attrs:
        raise AlloySyntaxError(f"attributes outside any block: {sorted(attrs)}")
    return blocks


def iter_values(value):
    """Every scalar, Ref and Call inside a parsed value."""
    if isinstance(value, list):
        for v in value:
            yield from iter_values(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from iter_values(v)
    else:
        yield value


def iter_attrs(block):
    """(block, name, value) for every attribute of a block and its inner blocks."""
    for name, value in block.attrs.items():
        yield block, name, value
    for inner in block.blocks:
        yield from iter_attrs(inner)
