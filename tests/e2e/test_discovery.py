"""Discovery mode on a large real API, with the official Python SDK in both eras (issue 12).

The fidelity app mounts GitHub's REST description (1,186 tools) with ``ToolSearch`` on, every
operation answered by one echo handler. A client sees a short list, searches in words, and calls
what it found: by its own name, and through the ``call_tool`` meta-tool.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import MODES, Server, connect

pytestmark = pytest.mark.anyio

ARGUMENTS = {"owner": "octo", "repo": "hello-world", "issue_number": 7, "body": "first!"}


def _echo(result: Any) -> dict[str, Any]:
    assert not result.is_error, result
    return json.loads(result.content[0].text)


@pytest.mark.parametrize("mode", MODES)
async def test_a_short_list_a_search_and_a_call_of_what_was_found(
    discovery_server: Server, mode: str
) -> None:
    async with connect(discovery_server.url, mode=mode, token=None) as client:
        listed = await client.list_tools()
        assert [tool.name for tool in listed.tools] == ["search_tools", "call_tool"]
        assert len(json.dumps([t.model_dump(mode="json") for t in listed.tools])) < 20_000

        found = await client.call_tool(
            "search_tools", {"query": "add a comment to an issue", "limit": 5}
        )
        assert not found.is_error, found
        hits = found.structured_content["tools"]
        assert 1 <= len(hits) <= 5
        names = [hit["name"] for hit in hits]
        assert "issues_create-comment" in names, names
        hit = hits[names.index("issues_create-comment")]
        assert set(hit["inputSchema"]["required"]) == set(ARGUMENTS)

        # Not listed, callable by name: the in-process request is the one the API documents.
        echo = _echo(await client.call_tool("issues_create-comment", ARGUMENTS))
        assert echo["method"] == "POST"
        assert echo["path"] == "/repos/octo/hello-world/issues/7/comments"
        assert json.loads(echo["body"]) == {"body": "first!"}

        # The same through the meta-tool, for clients that call only what they listed.
        echo = _echo(
            await client.call_tool(
                "call_tool", {"name": "issues_create-comment", "arguments": ARGUMENTS}
            )
        )
        assert echo["path"] == "/repos/octo/hello-world/issues/7/comments"

        # A search for something the API does not have finds nothing wrong: a short, valid list.
        found = await client.call_tool("search_tools", {"query": "zzzz qqqq"})
        assert not found.is_error, found
        assert isinstance(found.structured_content["tools"], list)
