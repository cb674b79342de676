"""OAuth end to end with the official Python SDK's own auth client (``mcp.client.auth``) against
``examples/oauth-tickets`` (``cargo build -p oauth-tickets``; ``$OAUTH_TICKETS_BIN`` or
``target/debug/oauth-tickets``).

The example starts its development authorization server on a free port (``AUTH_PORT=0``):
authorization code + PKCE, dynamic client registration, automatic consent. The client starts
with no token and no configuration but the MCP URL. It finds the authorization server from the
endpoint's 401, registers, gets a token for the scopes the challenge names (``tickets:read``),
lists and calls a read tool; a write tool answers 403 ``insufficient_scope`` and the client steps
up to ``tickets:write`` on its own. Every era.

A second copy started with ``ISSUER`` set to the first's authorization server takes the path of
a real issuer (keys fetched from its metadata and JWKS), and the same flow runs against it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx2
import pytest
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import (
    AuthorizationCodeResult,
    OAuthClientInformationFull,
    OAuthClientMetadata,
    OAuthToken,
)

from conftest import MODES, REQUEST_TIMEOUT, Server, _binary, _start, _stop_cleanly

pytestmark = pytest.mark.anyio

READ, WRITE = "tickets:read", "tickets:write"
READ_TOOLS = {"list_tickets", "get_ticket", "list_comments", "list_tickets_by_label", "get_report"}
WRITE_TOOLS = {"create_ticket", "update_ticket", "delete_ticket", "add_comment", "create_report"}


@pytest.fixture(scope="module")
def oauth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    binary = _binary("OAUTH_TICKETS_BIN", "oauth-tickets")
    srv = _start(binary, tmp_path_factory.mktemp("oauth"), extra_env={"AUTH_PORT": "0"})
    yield srv
    _stop_cleanly(srv, "oauth-tickets")


def _issuer_of(server: Server) -> str:
    document = httpx2.get(f"{server.base_url}/.well-known/oauth-protected-resource/mcp")
    return document.json()["authorization_servers"][0]


@pytest.fixture(scope="module")
def issuer_server(
    oauth_server: Server, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A second copy that trusts the first one's authorization server as a real issuer."""
    binary = _binary("OAUTH_TICKETS_BIN", "oauth-tickets")
    issuer = _issuer_of(oauth_server)
    srv = _start(binary, tmp_path_factory.mktemp("issuer"), extra_env={"ISSUER": issuer})
    yield srv
    _stop_cleanly(srv, "oauth-tickets (ISSUER)")


class MemoryStorage:
    """The SDK's TokenStorage, in memory."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client = client_info


class Browser:
    """What a person's browser does with the authorization URL, without the person: the
    development server consents at once and redirects to the callback with the code."""

    def __init__(self) -> None:
        self.scopes_asked: list[str] = []
        self.result: AuthorizationCodeResult | None = None

    async def open(self, url: str) -> None:
        self.scopes_asked.append(parse_qs(urlparse(url).query).get("scope", [""])[0])
        async with httpx2.AsyncClient() as http:
            answer = await http.get(url)
        assert answer.status_code in (302, 303, 307), answer.text
        query = parse_qs(urlparse(answer.headers["location"]).query)
        self.result = AuthorizationCodeResult(
            code=query["code"][0], state=query["state"][0], iss=query.get("iss", [None])[0]
        )

    async def callback(self) -> AuthorizationCodeResult:
        assert self.result is not None, "the callback came before the redirect"
        return self.result


@asynccontextmanager
async def oauth_client(
    server: Server, mode: str, browser: Browser, statuses: list[int]
) -> AsyncIterator[Client]:
    """A client that knows nothing but the MCP URL; the SDK's OAuth provider does the rest."""
    provider = OAuthClientProvider(
        server_url=server.url,
        client_metadata=OAuthClientMetadata(
            client_name="mcp-web e2e",
            redirect_uris=["http://127.0.0.1:9/callback"],
            grant_types=["authorization_code"],
            response_types=["code"],
            token_endpoint_auth_method="none",
        ),
        storage=MemoryStorage(),
        redirect_handler=browser.open,
        callback_handler=browser.callback,
    )

    async def record(response: httpx2.Response) -> None:
        if response.request.url.path == "/mcp":
            statuses.append(response.status_code)

    async with httpx2.AsyncClient(
        auth=provider,
        timeout=httpx2.Timeout(REQUEST_TIMEOUT, read=300.0),
        event_hooks={"response": [record]},
    ) as http:
        transport = streamable_http_client(server.url, http_client=http)
        async with Client(transport, mode=mode, read_timeout_seconds=REQUEST_TIMEOUT) as client:
            yield client


def _text(result) -> str:
    return "".join(block.text for block in result.content if getattr(block, "text", None))


async def _read_then_step_up(server: Server, mode: str) -> None:
    browser, statuses = Browser(), []
    async with oauth_client(server, mode, browser, statuses) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        # The first token is what the 401 asked for, reading, and shows the read tools only.
        assert browser.scopes_asked == [READ]
        assert names == READ_TOOLS, names

        tickets = await client.call_tool("list_tickets", {})
        assert not tickets.is_error, _text(tickets)
        assert json.loads(_text(tickets)), "the seeded tickets"

        # A write tool: 403 insufficient_scope, then the SDK steps up by itself.
        created = await client.call_tool(
            "create_ticket", {"title": f"created over OAuth ({mode})", "description": "step-up"}
        )
        assert not created.is_error, _text(created)
        assert json.loads(_text(created))["title"] == f"created over OAuth ({mode})"
        assert 403 in statuses, statuses
        assert len(browser.scopes_asked) == 2, browser.scopes_asked
        assert set(browser.scopes_asked[1].split()) == {READ, WRITE}, browser.scopes_asked

        # With the wider token the write tools are listed too.
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert names == READ_TOOLS | WRITE_TOOLS, names
    assert statuses.count(401) >= 1, statuses


@pytest.mark.parametrize("mode", MODES)
async def test_the_sdk_discovers_the_issuer_and_steps_up(oauth_server: Server, mode: str) -> None:
    await _read_then_step_up(oauth_server, mode)


@pytest.mark.parametrize("mode", MODES)
async def test_a_real_issuer_through_its_metadata_and_keys(issuer_server: Server, mode: str) -> None:
    await _read_then_step_up(issuer_server, mode)


async def test_metadata_without_a_token_and_challenges_with_it(oauth_server: Server) -> None:
    async with httpx2.AsyncClient() as http:
        metadata = await http.get(f"{oauth_server.base_url}/.well-known/oauth-protected-resource/mcp")
        assert metadata.status_code == 200
        document = metadata.json()
        assert document["resource"] == oauth_server.url
        assert document["scopes_supported"] == [READ, WRITE]

        # The host's JWT middleware refuses; the mount's edge names the metadata.
        refused = await http.post(
            oauth_server.url,
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
            headers={"Accept": "application/json, text/event-stream"},
        )
        assert refused.status_code == 401
        challenge = refused.headers["www-authenticate"]
        assert challenge.startswith("Bearer ")
        assert f'resource_metadata="{oauth_server.base_url}/.well-known/oauth-protected-resource/mcp"' in challenge
        assert f'scope="{READ}"' in challenge

        # A bad token: the host's `invalid_token` stays, and the challenge is added.
        bad = await http.post(
            oauth_server.url,
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
            headers={"Authorization": "Bearer not-a-jwt"},
        )
        assert bad.status_code == 401
        assert 'error="invalid_token"' in bad.headers["www-authenticate"]
        assert "resource_metadata=" in bad.headers["www-authenticate"]

        # The REST API's own 401s are the host's business: no MCP challenge there.
        rest = await http.get(f"{oauth_server.base_url}/tickets")
        assert rest.status_code == 401
        assert "resource_metadata" not in rest.headers["www-authenticate"]
