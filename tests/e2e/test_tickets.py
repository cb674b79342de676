"""End-to-end: the official MCP Python SDK against the ticket examples, axum-tickets and
actix-tickets: the same API and the same one-line mount on two frameworks, so every test runs
against both (see conftest.TICKET_EXAMPLES).

Every MCP test runs once per connection mode (see conftest.MODES): the 2025-era initialize
handshake ("legacy"), a pinned 2026-07-28 stateless connection, and "auto" discovery.
"""

from __future__ import annotations

import uuid
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client, MCPError
from mcp.types import CallToolResult, TextContent
from mcp_types import INVALID_PARAMS
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS

from conftest import SHUTDOWN_TIMEOUT, TOKEN, Server, connect

pytestmark = pytest.mark.anyio

TOOLS = {
    "list_tickets",
    "get_ticket",
    "create_ticket",
    "update_ticket",
    "delete_ticket",
    "list_comments",
    "add_comment",
    "list_tickets_by_label",
    "create_report",
    "get_report",
}
SEED_LABEL = "needs review/urgent?"  # '/', ' ' and '?' must all be percent-encoded


# --- helpers ---------------------------------------------------------------------------


def text_of(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


async def call_ok(client: Client, name: str, arguments: dict[str, Any]) -> Any:
    """Call a tool that must succeed; return its structured content."""
    result = await client.call_tool(name, arguments)
    assert not result.is_error, f"{name}({arguments}) failed: {text_of(result)}"
    assert result.structured_content is not None, f"{name}({arguments}): no structuredContent"
    return result.structured_content


async def call_list(client: Client, name: str, arguments: dict[str, Any]) -> list[Any]:
    """Call a tool whose HTTP response is a JSON array: it comes back as {"result": [...]}."""
    content = await call_ok(client, name, arguments)
    assert set(content) == {"result"}, f"{name}: array not wrapped as {{'result': [...]}}: {content}"
    assert isinstance(content["result"], list)
    return content["result"]


async def create_ticket(client: Client, **fields: Any) -> dict[str, Any]:
    fields.setdefault("title", f"e2e {uuid.uuid4()}")
    ticket = await call_ok(client, "create_ticket", fields)
    assert isinstance(ticket.get("id"), int), ticket
    assert ticket["title"] == fields["title"]
    return ticket


def leaf_exceptions(exc: BaseException) -> list[BaseException]:
    """`exc` with exception groups flattened (task groups wrap transport failures)."""
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for sub in exc.exceptions for leaf in leaf_exceptions(sub)]
    return [exc]


# --- the process -----------------------------------------------------------------------


def test_prints_endpoint(server: Server) -> None:
    assert f"MCP endpoint: http://127.0.0.1:{server.port}/mcp" in server.log()


async def test_http_requires_bearer_token(server: Server) -> None:
    """Plain HTTP, no SDK: the endpoint itself answers 401 without a valid token."""
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "e2e", "version": "0"},
        },
    }
    accept = {"Accept": "application/json, text/event-stream"}
    async with httpx2.AsyncClient(base_url=server.base_url, timeout=10) as http:
        for auth in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
            response = await http.post("/mcp", json=initialize, headers={**accept, **auth})
            assert response.status_code == 401, (auth, response.status_code, response.text)
        response = await http.post(
            "/mcp", json=initialize, headers={**accept, "Authorization": f"Bearer {TOKEN}"}
        )
        assert response.status_code == 200, response.text


async def test_graceful_shutdown_with_open_sessions(spawn_server) -> None:
    """SIGTERM must stop the server promptly while MCP sessions (and the legacy GET
    stream) are still open."""
    srv: Server = spawn_server()
    exchanges: list[tuple[str, int]] = []
    async with (
        connect(srv.url, mode="legacy", token=srv.token, exchanges=exchanges) as legacy,
        connect(srv.url, mode="2026-07-28", token=srv.token) as modern,
    ):
        assert {t.name for t in (await legacy.list_tools()).tools} == TOOLS
        assert {t.name for t in (await modern.list_tools()).tools} == TOOLS
        # After `initialized` the legacy client opens its standalone GET (SSE) stream.
        with anyio.fail_after(5):
            while ("GET", 200) not in exchanges:
                await anyio.sleep(0.05)
        code = await anyio.to_thread.run_sync(srv.stop)
        assert code is not None, (
            f"no exit within {SHUTDOWN_TIMEOUT:.0f} s of SIGTERM with sessions open. "
            f"Output:\n{srv.log()}"
        )
        assert code == 0, f"exit code {code} after SIGTERM. Output:\n{srv.log()}"


# --- connection & discovery ------------------------------------------------------------


async def test_negotiated_version(client: Client, mode: str) -> None:
    if mode == "legacy":
        assert client.protocol_version in HANDSHAKE_PROTOCOL_VERSIONS
        assert client.server_info is not None
    else:  # pinned, or discovered by "auto": the server serves 2026-07-28 statelessly
        assert client.protocol_version == "2026-07-28"


async def test_list_tools(client: Client) -> None:
    tools = {tool.name: tool for tool in (await client.list_tools(cache_mode="bypass")).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.input_schema.get("type") == "object", (tool.name, tool.input_schema)
    get_ticket = tools["get_ticket"].input_schema
    assert "ticket_id" in get_ticket.get("required", []), get_ticket
    assert get_ticket["properties"]["ticket_id"].get("type") == "integer", get_ticket
    assert "title" in tools["create_ticket"].input_schema.get("required", [])
    assert "label" in tools["list_tickets_by_label"].input_schema.get("required", [])


# --- tool calls ------------------------------------------------------------------------


async def test_get_ticket_path_param(client: Client) -> None:
    ticket = await call_ok(client, "get_ticket", {"ticket_id": 1})
    assert ticket["id"] == 1
    assert isinstance(ticket["title"], str) and ticket["title"]


async def test_list_tickets_query_param(client: Client) -> None:
    everything = await call_list(client, "list_tickets", {})
    assert {1, 2, 3} <= {t["id"] for t in everything}
    closed = await call_list(client, "list_tickets", {"status": "closed"})
    assert closed, "seed ticket 2 is closed"
    assert all(t["status"] == "closed" for t in closed), closed
    assert 2 in {t["id"] for t in closed}
    assert 1 not in {t["id"] for t in closed}
    assert len(closed) < len(everything)


async def test_create_ticket_json_body(client: Client) -> None:
    title = f"e2e {uuid.uuid4()}"
    created = await create_ticket(client, title=title, priority="high")
    assert created["priority"] == "high"
    fetched = await call_ok(client, "get_ticket", {"ticket_id": created["id"]})
    assert fetched["id"] == created["id"]
    assert fetched["title"] == title
    assert fetched["priority"] == "high"


async def test_update_and_delete_ticket(client: Client) -> None:
    ticket = await create_ticket(client)
    updated = await call_ok(
        client, "update_ticket", {"ticket_id": ticket["id"], "status": "in_progress"}
    )
    assert updated["id"] == ticket["id"]
    assert updated["status"] == "in_progress"
    assert updated["title"] == ticket["title"]  # untouched fields survive a partial update
    fetched = await call_ok(client, "get_ticket", {"ticket_id": ticket["id"]})
    assert fetched["status"] == "in_progress"

    deleted = await client.call_tool("delete_ticket", {"ticket_id": ticket["id"]})
    assert not deleted.is_error, text_of(deleted)
    gone = await client.call_tool("get_ticket", {"ticket_id": ticket["id"]})
    assert gone.is_error
    assert "404" in text_of(gone)


async def test_comments(client: Client) -> None:
    seeded = await call_list(client, "list_comments", {"ticket_id": 1})
    assert len(seeded) >= 1

    ticket = await create_ticket(client)
    assert await call_list(client, "list_comments", {"ticket_id": ticket["id"]}) == []
    body = f"comment {uuid.uuid4()}"
    comment = await call_ok(client, "add_comment", {"ticket_id": ticket["id"], "body": body})
    assert comment["body"] == body
    comments = await call_list(client, "list_comments", {"ticket_id": ticket["id"]})
    assert [c["body"] for c in comments] == [body]


async def test_label_with_reserved_characters(client: Client) -> None:
    tickets = await call_list(client, "list_tickets_by_label", {"label": SEED_LABEL})
    assert [t["id"] for t in tickets] == [1]
    assert SEED_LABEL in tickets[0]["labels"]


async def test_not_found_is_tool_error(client: Client) -> None:
    result = await client.call_tool("get_ticket", {"ticket_id": 9999})
    assert result.is_error
    assert "HTTP 404" in text_of(result), text_of(result)


@pytest.mark.parametrize(
    "arguments",
    [{}, {"ticket_id": "abc"}],
    ids=["missing", "wrong-type"],
)
async def test_invalid_arguments_are_tool_errors(client: Client, arguments: dict) -> None:
    result = await client.call_tool("get_ticket", arguments)
    assert result.is_error
    assert "invalid arguments" in text_of(result).lower(), text_of(result)
    assert "404" not in text_of(result)  # rejected before any HTTP request was made


async def test_unknown_tool_is_protocol_error(client: Client) -> None:
    with pytest.raises(MCPError) as excinfo:
        await client.call_tool("no_such_tool", {})
    assert excinfo.value.code == INVALID_PARAMS, excinfo.value


# --- auth through the SDK --------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "wrong-token"], ids=["no-token", "wrong-token"])
async def test_rejected_without_valid_token(server: Server, mode: str, token: str | None) -> None:
    # With a pinned 2026-07-28 version nothing is sent until the first request, so the
    # failure may come from list_tools rather than from entering the client.
    with anyio.fail_after(20), pytest.raises(Exception) as excinfo:
        async with connect(server.url, mode=mode, token=token) as c:
            await c.list_tools()
    statuses = [
        leaf.response.status_code
        for leaf in leaf_exceptions(excinfo.value)
        if isinstance(leaf, httpx2.HTTPStatusError)
    ]
    assert statuses == [401], repr(excinfo.value)
