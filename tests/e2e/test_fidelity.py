"""End-to-end: request fidelity, with the official MCP Python SDK against tests/fidelity-app.

Every operation of the fidelity app echoes the HTTP request its handler received — method, raw
path, raw query, the ``X-Request-Id`` header, the raw ``Cookie`` header, content type, raw body,
the names of all headers — next to what its axum extractors parsed. Each test calls a tool and
checks that the handler saw exactly the intended request, and that the tool's input and output
schemas describe the models faithfully (recursive ones through ``$defs``, unions as ``oneOf``,
``Option<T>`` as nullable).

Every MCP test runs in the 2025-era "legacy" mode and in the stateless "2026-07-28" mode.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl, quote

import httpx2
import jsonschema
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, TextContent, Tool

from conftest import REQUEST_TIMEOUT, Server, connect

pytestmark = pytest.mark.anyio

MODES = ["legacy", "2026-07-28"]

GENERATED = {
    "echo_tree",
    "echo_graph",
    "echo_shape",
    "echo_drawing",
    "echo_items",
    "echo_headers",
    "echo_form",
    "echo_widget",
    "echo_file",
}

# Hand-written next to the generated ones (tests/fidelity-app/src/curated.rs).
CURATED = {"count_steps", "wait_forever", "task_state", "ask_name", "touch_readme"}

TOOLS = GENERATED | CURATED

# Headers an in-process request may carry beyond the ones a test expects.
INCIDENTAL_HEADERS = {"content-length"}

# A schema of a few KiB means each recursive model is written once, not unrolled.
MAX_SCHEMA_CHARS = 8_000


# --- fixtures and helpers --------------------------------------------------------------


@pytest.fixture(params=MODES)
def fidelity_mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def tools(fidelity_server: Server, fidelity_mode: str) -> dict[str, Tool]:
    async with connect(fidelity_server.url, mode=fidelity_mode, token=None) as c:
        listed = await c.list_tools(cache_mode="bypass")
    return {tool.name: tool for tool in listed.tools}


class Echo:
    """A connected client that has listed the tools, so the SDK validates every structured
    result against its tool's output schema; `call` checks that once more itself."""

    def __init__(self, client: Client, tools: dict[str, Tool]) -> None:
        self.client = client
        self.tools = tools

    async def call(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result = await self.client.call_tool(name, arguments)
        assert not result.is_error, f"{name}({arguments}) failed: {text_of(result)}"
        content = result.structured_content
        assert content is not None, f"{name}: no structuredContent: {text_of(result)}"
        output_schema = self.tools[name].output_schema
        assert output_schema is not None, f"{name} has no outputSchema"
        jsonschema.Draft202012Validator(output_schema).validate(content)
        # The same JSON as text, for clients that ignore structuredContent.
        assert json.loads(text_of(result)) == content
        assert content["seen"]["tool"] == name, content["seen"]
        return content


@pytest.fixture
async def echo(fidelity_server: Server, fidelity_mode: str) -> AsyncIterator[Echo]:
    async with connect(fidelity_server.url, mode=fidelity_mode, token=None) as c:
        listed = await c.list_tools()
        yield Echo(c, {tool.name: tool for tool in listed.tools})


def text_of(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


def assert_seen(
    seen: dict[str, Any],
    *,
    method: str,
    path: str,
    query: str | None = None,
    content_type: str | None = None,
    request_id: str | None = None,
    cookie: str | None = None,
    body: str = "",
    headers: set[str] = frozenset(),
) -> None:
    """The handler saw exactly this request: `path` and `query` as sent on the wire
    (percent-encoded), `body` byte for byte, and no header beyond `headers`."""
    assert seen["method"] == method, seen
    assert seen["path"] == path, seen
    assert seen["query"] == query, seen
    assert seen["content_type"] == content_type, seen
    assert seen["request_id"] == request_id, seen
    assert seen["cookie"] == cookie, seen
    assert seen["body"] == body, seen
    names = set(seen["header_names"])
    assert headers <= names, seen
    assert names <= headers | INCIDENTAL_HEADERS, f"unexpected headers reached the handler: {seen}"


def assert_json_body(seen: dict[str, Any], sent: Any, *, method: str, path: str) -> None:
    """A JSON body that decodes to exactly what the tool was given."""
    assert json.loads(seen["body"]) == sent, seen
    assert_seen(
        seen,
        method=method,
        path=path,
        content_type="application/json",
        body=seen["body"],
        headers={"content-type"},
    )


def refs_in(schema: Any) -> list[str]:
    if isinstance(schema, dict):
        own = [schema["$ref"]] if isinstance(schema.get("$ref"), str) else []
        return own + [ref for value in schema.values() for ref in refs_in(value)]
    if isinstance(schema, list):
        return [ref for value in schema for ref in refs_in(value)]
    return []


def assert_self_contained(schema: dict[str, Any]) -> None:
    """Every `$ref` points into the schema's own `$defs`, and the schema is small."""
    defs = schema.get("$defs", {})
    for ref in refs_in(schema):
        assert ref.startswith("#/$defs/"), ref
        assert ref.removeprefix("#/$defs/") in defs, (ref, sorted(defs))
    assert len(json.dumps(schema)) < MAX_SCHEMA_CHARS
    jsonschema.Draft202012Validator.check_schema(schema)


def accepts(schema: dict[str, Any], value: Any) -> bool:
    return jsonschema.Draft202012Validator(schema).is_valid(value)


def nullable_union(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-null alternatives of `oneOf: [..., {"type": "null"}]`."""
    alternatives = schema.get("oneOf") or schema.get("anyOf")
    assert alternatives, schema
    assert {"type": "null"} in alternatives, schema
    return [a for a in alternatives if a != {"type": "null"}]


def body_arguments(tool: Tool, body: dict[str, Any]) -> dict[str, Any]:
    """The arguments that send the object `body` as a tool's JSON request body.

    An object body's properties are arguments of their own; a body the core keeps whole (a
    recursive model, referenced from `$defs`) is the single argument `body`. Either way the
    handler must receive exactly `body`.
    """
    if set(tool.input_schema["properties"]) == {"body"}:
        return {"body": body}
    return dict(body)


def assert_recursive_body(schema: dict[str, Any], model: str) -> None:
    """The body of `model` is either one `body` argument referencing `$defs`, or `model`'s
    properties as arguments (references inside them pointing into `$defs`)."""
    definition = schema["$defs"][model]
    properties = schema["properties"]
    if set(properties) == {"body"}:
        assert properties["body"] == {"$ref": f"#/$defs/{model}"}, schema
        assert schema["required"] == ["body"], schema
    else:
        assert properties == definition["properties"], schema
        assert set(schema["required"]) == set(definition["required"]), schema


def tree(depth: int, width: int, name: str = "root") -> dict[str, Any]:
    children = [] if depth == 1 else [tree(depth - 1, width, f"{name}.{i}") for i in range(width)]
    return {"name": name, "children": children}


# --- the process -----------------------------------------------------------------------


def test_prints_endpoint(fidelity_server: Server) -> None:
    assert f"MCP endpoint: http://127.0.0.1:{fidelity_server.port}/mcp" in fidelity_server.log()


# --- tools/list --------------------------------------------------------------------------


async def test_tool_names(tools: dict[str, Tool]) -> None:
    assert set(tools) == TOOLS


async def test_every_schema_is_valid_and_self_contained(tools: dict[str, Tool]) -> None:
    for tool in (tools[name] for name in sorted(GENERATED)):
        assert tool.input_schema.get("type") == "object", tool.name
        assert_self_contained(tool.input_schema)
        assert tool.output_schema is not None, tool.name
        assert tool.output_schema.get("type") == "object", tool.name
        assert_self_contained(tool.output_schema)


async def test_recursive_schema_uses_defs(tools: dict[str, Tool]) -> None:
    tool = tools["echo_tree"]
    schema = tool.input_schema
    assert set(schema["$defs"]) == {"Category"}
    category = schema["$defs"]["Category"]
    assert category["properties"]["children"]["items"] == {"$ref": "#/$defs/Category"}
    assert set(category["required"]) == {"name", "children"}
    assert_recursive_body(schema, "Category")
    assert accepts(schema, body_arguments(tool, tree(6, 2)))
    bad = {"name": "x", "children": [{"name": 1, "children": []}]}
    assert not accepts(schema, body_arguments(tool, bad))

    output = tools["echo_tree"].output_schema
    assert output["properties"]["tree"]["$ref"] == "#/$defs/Category"
    assert set(output["$defs"]) == {"Category"}


async def test_mutually_recursive_schema_uses_defs(tools: dict[str, Tool]) -> None:
    tool = tools["echo_graph"]
    schema = tool.input_schema
    defs = schema["$defs"]
    assert set(defs) == {"Node", "Edge"}
    assert defs["Node"]["properties"]["edges"]["items"] == {"$ref": "#/$defs/Edge"}
    # Option<Box<Node>>: a nullable reference back to Node.
    target = nullable_union(defs["Edge"]["properties"]["target"])
    assert [alt["$ref"] for alt in target] == ["#/$defs/Node"]
    assert_recursive_body(schema, "Node")
    graph = {"label": "a", "edges": [{"weight": 1, "target": None}]}
    assert accepts(schema, body_arguments(tool, graph))
    dangling_label = {"label": "a", "edges": [{"weight": 1, "target": {"label": "b"}}]}
    assert not accepts(schema, body_arguments(tool, dangling_label))
    assert set(tools["echo_graph"].output_schema["$defs"]) == {"Node", "Edge"}


async def test_union_schemas(tools: dict[str, Tool]) -> None:
    shape = tools["echo_shape"].input_schema
    assert set(shape["properties"]) == {"body"}
    variants = shape["properties"]["body"]["oneOf"]
    assert sorted(v["properties"]["kind"]["enum"] for v in variants) == [["circle"], ["rect"]]
    assert all("kind" in v["required"] for v in variants)
    assert accepts(shape, {"body": {"kind": "circle", "radius": 1}})
    assert not accepts(shape, {"body": {"kind": "hexagon"}})

    drawing = tools["echo_drawing"].input_schema
    props = drawing["properties"]
    assert set(props) == {"title", "shape", "value", "fallback", "note"}
    assert set(drawing["required"]) == {"title", "value"}
    # Option<T> of a named type: oneOf [T, null]; Option<String>: type [string, null].
    assert len(nullable_union(props["shape"])) == 1
    assert len(nullable_union(props["fallback"])) == 1
    assert set(props["note"]["type"]) == {"string", "null"}
    # The untagged enum: one alternative per JSON type.
    assert sorted(alt["type"] for alt in props["value"]["oneOf"]) == ["array", "integer", "string"]
    for value in (7, "seven", [True]):
        assert accepts(drawing, {"title": "t", "value": value})
    assert not accepts(drawing, {"title": "t", "value": 1.5})
    assert accepts(
        drawing, {"title": "t", "value": 1, "shape": None, "fallback": None, "note": None}
    )
    assert not accepts(drawing, {"title": "t", "value": None})


async def test_array_body_schema(tools: dict[str, Tool]) -> None:
    schema = tools["echo_items"].input_schema
    assert set(schema["properties"]) == {"body"}
    assert schema["required"] == ["body"]
    body = schema["properties"]["body"]
    assert body["type"] == "array"
    assert set(body["items"]["required"]) == {"sku", "qty"}
    assert set(body["items"]["properties"]["tags"]["type"]) == {"array", "null"}


async def test_parameter_schemas(tools: dict[str, Tool]) -> None:
    headers = tools["echo_headers"].input_schema
    assert set(headers["properties"]) == {"X-Request-Id", "session", "q"}
    assert headers["required"] == ["X-Request-Id"]
    assert accepts(headers, {"X-Request-Id": "r", "session": None})

    form = tools["echo_form"].input_schema
    assert set(form["properties"]) == {"name", "age", "note", "tags"}
    assert set(form["required"]) == {"name", "age", "tags"}

    files = tools["echo_file"].input_schema
    assert set(files["properties"]) == {"dir", "name"}
    assert set(files["required"]) == {"dir", "name"}


async def test_name_clash_arguments(tools: dict[str, Tool]) -> None:
    """`id` is a path parameter and a body property, `name` a query parameter and a body
    property: each of them gets its location suffix, so no argument feeds two places; the
    unclashing `size` keeps its name."""
    schema = tools["echo_widget"].input_schema
    props = schema["properties"]
    assert set(props) == {"id__path", "id__body", "name__query", "name__body", "size"}, props
    assert props["id__path"]["description"] == "Widget id in the path"
    assert props["id__body"]["description"].startswith("Widget id (may differ")
    assert props["name__query"]["description"].startswith("A name filter")
    assert props["name__body"]["description"] == "Widget name."
    assert set(schema["required"]) == {"id__path", "id__body", "name__body"}


# --- recursive models --------------------------------------------------------------------


async def test_recursive_body_and_response(echo: Echo) -> None:
    sent = tree(5, 2)
    content = await echo.call("echo_tree", body_arguments(echo.tools["echo_tree"], sent))
    assert_json_body(content["seen"], sent, method="POST", path="/tree")
    assert content["tree"] == sent
    assert content["count"] == 31
    assert content["depth"] == 5


async def test_mutually_recursive_body_and_response(echo: Echo) -> None:
    sent = {
        "label": "a",
        "edges": [
            {"weight": 1, "target": {"label": "b", "edges": [{"weight": 2, "target": None}]}},
            {"weight": -3},  # `target` left out: left out of the body too
            {"weight": 4, "target": {"label": "c", "edges": []}},
        ],
    }
    content = await echo.call("echo_graph", body_arguments(echo.tools["echo_graph"], sent))
    assert_json_body(content["seen"], sent, method="POST", path="/graph")
    assert "target" not in json.loads(content["seen"]["body"])["edges"][1]
    assert content["labels"] == ["a", "b", "c"]
    edges = content["node"]["edges"]
    assert [e["weight"] for e in edges] == [1, -3, 4]
    assert edges[1]["target"] is None
    assert edges[0]["target"]["edges"][0] == {"weight": 2, "target": None}


# --- unions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "variant"),
    [
        ({"kind": "circle", "radius": 1.5}, "circle"),
        ({"kind": "rect", "width": 2.5, "height": 4}, "rect"),
    ],
    ids=["circle", "rect"],
)
async def test_tagged_union_body(echo: Echo, shape: dict[str, Any], variant: str) -> None:
    content = await echo.call("echo_shape", {"body": shape})
    assert_json_body(content["seen"], shape, method="POST", path="/shape")
    assert content["variant"] == variant
    assert content["shape"] == shape


@pytest.mark.parametrize(
    ("value", "variant"),
    [(7, "number"), ("seven", "text"), ([True, False], "flags")],
    ids=["number", "text", "flags"],
)
async def test_untagged_union_property(echo: Echo, value: Any, variant: str) -> None:
    shape = {"kind": "circle", "radius": 2}
    arguments = {"title": "t", "value": value, "fallback": "fb", "shape": shape}
    content = await echo.call("echo_drawing", arguments)
    assert_json_body(content["seen"], arguments, method="POST", path="/drawing")
    assert content["value_variant"] == variant
    assert content["drawing"] == {**arguments, "note": None}


async def test_optional_fields_accept_null(echo: Echo) -> None:
    arguments = {"title": "t", "value": 1, "shape": None, "fallback": None, "note": None}
    content = await echo.call("echo_drawing", arguments)
    # An explicit null is sent as null, not dropped and not turned into a string.
    assert_json_body(content["seen"], arguments, method="POST", path="/drawing")
    assert content["drawing"] == arguments


async def test_optional_fields_left_out(echo: Echo) -> None:
    content = await echo.call("echo_drawing", {"title": "t", "value": "v"})
    assert_json_body(content["seen"], {"title": "t", "value": "v"}, method="POST", path="/drawing")
    assert content["drawing"] == {
        "title": "t",
        "value": "v",
        "shape": None,
        "fallback": None,
        "note": None,
    }


# --- an array body -----------------------------------------------------------------------


async def test_array_body(echo: Echo) -> None:
    items = [
        {"sku": "A-1", "qty": 2},
        {"sku": "B 2/ü", "qty": 3, "tags": ["x", "y z"]},
        {"sku": "C", "qty": 0, "tags": None},
    ]
    content = await echo.call("echo_items", {"body": items})
    assert_json_body(content["seen"], items, method="POST", path="/items")
    assert content["total_qty"] == 5
    assert content["items"] == [{"tags": None, **item} for item in items]


async def test_empty_array_body(echo: Echo) -> None:
    content = await echo.call("echo_items", {"body": []})
    assert_seen(
        content["seen"],
        method="POST",
        path="/items",
        content_type="application/json",
        body="[]",
        headers={"content-type"},
    )
    assert content["items"] == []


# --- header, cookie and query parameters -------------------------------------------------


async def test_header_cookie_and_query(echo: Echo) -> None:
    q = "a&b=c d+é/?#%"
    content = await echo.call(
        "echo_headers", {"X-Request-Id": "req-42 a?b=c;d", "session": "s3cr3t-Token_1.2~", "q": q}
    )
    assert_seen(
        content["seen"],
        method="GET",
        path="/headers",
        query=f"q={quote(q, safe='')}",
        request_id="req-42 a?b=c;d",
        cookie="session=s3cr3t-Token_1.2~",
        headers={"x-request-id", "cookie"},
    )
    assert content["q"] == q
    assert content["session"] == "s3cr3t-Token_1.2~"


async def test_cookie_tokens_arrive_as_sent(echo: Echo) -> None:
    # Base64 and JWT-style tokens hold '/', '+', '=' and ':'; servers do not percent-decode
    # cookies, so they must not be escaped.
    token = "YWJj/+==:x.eyJhIjoxfQ"
    content = await echo.call("echo_headers", {"X-Request-Id": "r", "session": token})
    assert content["seen"]["cookie"] == f"session={token}"
    assert content["session"] == token


async def test_absent_optional_parameters_leave_no_trace(echo: Echo) -> None:
    for arguments in (
        {"X-Request-Id": "r1"},
        {"X-Request-Id": "r1", "session": None},
        {"X-Request-Id": "r1", "session": None, "q": None},
    ):
        content = await echo.call("echo_headers", arguments)
        assert_seen(
            content["seen"],
            method="GET",
            path="/headers",
            request_id="r1",
            headers={"x-request-id"},
        )
        assert content["session"] is None
        assert content["q"] is None


@asynccontextmanager
async def connect_with_headers(
    url: str, mode: str, headers: dict[str, str]
) -> AsyncIterator[Client]:
    async with httpx2.AsyncClient(headers=headers, timeout=REQUEST_TIMEOUT) as http:
        transport = streamable_http_client(url, http_client=http)
        async with Client(transport, mode=mode, read_timeout_seconds=REQUEST_TIMEOUT) as client:
            yield client


async def test_client_headers_do_not_reach_handlers(
    fidelity_server: Server, fidelity_mode: str
) -> None:
    """Only arguments (and the forwarded Authorization header) reach the handler: the MCP
    client's own cookies and headers do not."""
    outer = {"Cookie": "session=from-the-client", "X-Request-Id": "outer", "X-Leak": "1"}
    async with connect_with_headers(fidelity_server.url, fidelity_mode, outer) as c:
        listed = await c.list_tools()
        echo = Echo(c, {tool.name: tool for tool in listed.tools})
        content = await echo.call("echo_headers", {"X-Request-Id": "inner"})
        assert_seen(
            content["seen"],
            method="GET",
            path="/headers",
            request_id="inner",
            headers={"x-request-id"},
        )
        content = await echo.call("echo_file", {"dir": "d", "name": "n"})
        assert_seen(content["seen"], method="GET", path="/files/d/n")


# --- a form body -------------------------------------------------------------------------


async def test_form_body(echo: Echo) -> None:
    arguments = {"name": "Zoë & co", "age": 41, "note": "a=b&c+d/?", "tags": ["a b", "c=d", "ü"]}
    content = await echo.call("echo_form", arguments)
    seen = content["seen"]
    assert_seen(
        seen,
        method="POST",
        path="/form",
        content_type="application/x-www-form-urlencoded",
        body=seen["body"],
        headers={"content-type"},
    )
    expected = [
        ("name", "Zoë & co"),
        ("age", "41"),
        ("note", "a=b&c+d/?"),
        ("tags", "a b"),
        ("tags", "c=d"),
        ("tags", "ü"),
    ]
    # The wire form decodes (as any form parser would) to exactly these fields; a repeated
    # field keeps its order.
    wire = parse_qsl(seen["body"], keep_blank_values=True, strict_parsing=True)
    assert sorted(wire) == sorted(expected), seen["body"]
    assert [v for k, v in wire if k == "tags"] == ["a b", "c=d", "ü"]
    # And so did the handler's own axum::Form extractor.
    decoded = [(f["name"], f["value"]) for f in content["fields"]]
    assert decoded == wire


async def test_form_body_without_optional_field(echo: Echo) -> None:
    content = await echo.call("echo_form", {"name": "n", "age": 0, "tags": []})
    wire = parse_qsl(content["seen"]["body"], keep_blank_values=True, strict_parsing=True)
    assert sorted(wire) == [("age", "0"), ("name", "n")], content["seen"]
    assert content["seen"]["content_type"] == "application/x-www-form-urlencoded"


async def test_form_body_with_a_null_field_leaves_it_out(echo: Echo) -> None:
    content = await echo.call("echo_form", {"name": "n", "age": 1, "note": None, "tags": []})
    wire = parse_qsl(content["seen"]["body"], keep_blank_values=True, strict_parsing=True)
    assert sorted(wire) == [("age", "1"), ("name", "n")], content["seen"]


# --- a name in the path and in the body --------------------------------------------------


async def test_name_clash_reaches_each_place(echo: Echo) -> None:
    arguments = {
        "id__path": "w/1 ?",
        "id__body": "body-id",
        "name__query": "query name&x=1",
        "name__body": "body name",
        "size": None,
    }
    content = await echo.call("echo_widget", arguments)
    seen = content["seen"]
    body = {"id": "body-id", "name": "body name", "size": None}
    assert json.loads(seen["body"]) == body
    assert_seen(
        seen,
        method="PUT",
        path="/widgets/w%2F1%20%3F",
        query="name=query%20name%26x%3D1",
        content_type="application/json",
        body=seen["body"],
        headers={"content-type"},
    )
    assert content["path_id"] == "w/1 ?"
    assert content["query_name"] == "query name&x=1"
    assert content["widget"] == body


async def test_name_clash_optional_query_left_out(echo: Echo) -> None:
    arguments = {"id__path": "7", "id__body": "7", "name__body": "n", "size": 3}
    content = await echo.call("echo_widget", arguments)
    assert content["seen"]["path"] == "/widgets/7"
    assert content["seen"]["query"] is None
    assert content["query_name"] is None
    assert content["widget"] == {"id": "7", "name": "n", "size": 3}


# --- reserved characters in path values --------------------------------------------------


@pytest.mark.parametrize(
    ("dir", "name"),
    [
        ("a/b", "c/d/e"),
        ("with space", "  two  "),
        ("what?", "x?y=1&z"),
        ("#frag", "a#b"),
        ("100%", "%2F%20"),
        ("Zoë", "日本語 ✓ 🚀"),
        ("..", "."),
        ("a+b", "semi;colon,comma=eq@at:colon"),
    ],
    ids=["slash", "space", "question", "hash", "percent", "unicode", "dots", "sub-delims"],
)
async def test_path_values_arrive_intact(echo: Echo, dir: str, name: str) -> None:
    content = await echo.call("echo_file", {"dir": dir, "name": name})
    # Each value travels as one percent-encoded segment (everything but RFC 3986 unreserved
    # characters escaped) and decodes back to itself.
    assert_seen(
        content["seen"], method="GET", path=f"/files/{quote(dir, safe='')}/{quote(name, safe='')}"
    )
    assert content["dir"] == dir
    assert content["name"] == name
