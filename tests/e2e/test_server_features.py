"""End-to-end: curated components on the mount, with the official MCP Python SDK.

tests/fidelity-app adds hand-written components next to its generated tools: a tool that
reports progress and logs, a tool that waits until cancelled (its state is readable through
another tool), an elicitation tool, a resource, a resource template and a prompt. Every test
runs in the 2025-era "legacy" mode and in the stateless "2026-07-28" mode.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import ElicitResult, TextContent

from conftest import REQUEST_TIMEOUT, Server

pytestmark = pytest.mark.anyio

MODES = ["legacy", "2026-07-28"]


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


@asynccontextmanager
async def open_client(url: str, mode: str, **options: Any) -> AsyncIterator[Client]:
    async with httpx2.AsyncClient(timeout=httpx2.Timeout(REQUEST_TIMEOUT, read=300.0)) as http:
        transport = streamable_http_client(url, http_client=http)
        async with Client(
            transport, mode=mode, read_timeout_seconds=REQUEST_TIMEOUT, **options
        ) as client:
            yield client


def text_of(result: Any) -> str:
    block = result.content[0]
    assert isinstance(block, TextContent), result
    return block.text


async def test_a_curated_tool_reports_progress_and_logs(
    fidelity_server: Server, mode: str
) -> None:
    logs: list[Any] = []

    async def on_log(params: Any) -> None:
        logs.append(params.data)

    progress: list[tuple[float, float | None, str | None]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, total, message))

    # A 2026-07-28 request gets log messages only when it opts in with a level.
    async with open_client(
        fidelity_server.url, mode, logging_callback=on_log, log_level="debug"
    ) as client:
        result = await client.call_tool(
            "count_steps", {"steps": 3, "delay_ms": 20}, progress_callback=on_progress
        )
        assert not result.is_error, result
        assert text_of(result) == "counted 3 steps"
        # Notifications may trail the result a little on the 2025-era stream.
        with anyio.fail_after(5):
            while len(logs) < 3:
                await anyio.sleep(0.02)
    assert progress == [
        (1.0, 3.0, "step 1 of 3"),
        (2.0, 3.0, "step 2 of 3"),
        (3.0, 3.0, "step 3 of 3"),
    ]
    assert logs == [{"step": 1}, {"step": 2}, {"step": 3}]


async def test_curated_resources_and_templates_are_read(
    fidelity_server: Server, mode: str
) -> None:
    async with open_client(fidelity_server.url, mode) as client:
        listed = await client.list_resources()
        assert "fidelity://readme" in [str(r.uri) for r in listed.resources]
        templates = await client.list_resource_templates()
        assert "fidelity://echo/{word}" in [t.uri_template for t in templates.resource_templates]
        readme = await client.read_resource("fidelity://readme")
        assert readme.contents[0].text == "The fidelity app echoes requests."
        echo = await client.read_resource("fidelity://echo/hello")
        assert echo.contents[0].text == "echo: hello"


async def test_a_prompt_is_listed_and_rendered(fidelity_server: Server, mode: str) -> None:
    async with open_client(fidelity_server.url, mode) as client:
        prompts = await client.list_prompts()
        review = next(p for p in prompts.prompts if p.name == "review")
        assert [(a.name, a.required) for a in review.arguments or []] == [("subject", True)]
        rendered = await client.get_prompt("review", {"subject": "the mount"})
        message = rendered.messages[0]
        assert message.role == "user"
        assert message.content.text == "Please review the mount."


async def test_elicitation_reaches_the_user_and_the_answer_the_tool(
    fidelity_server: Server, mode: str
) -> None:
    asked: list[str] = []

    async def on_elicit(context: Any, params: Any) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action="accept", content={"name": "Ada"})

    async with open_client(fidelity_server.url, mode, elicitation_callback=on_elicit) as client:
        result = await client.call_tool("ask_name", {})
    assert not result.is_error, result
    assert text_of(result) == "hello Ada"
    assert asked == ["What is your name?"]


async def test_a_cancelled_call_stops_its_handler(fidelity_server: Server, mode: str) -> None:
    token = f"{mode}-{uuid.uuid4()}"
    async with open_client(fidelity_server.url, mode) as observer:

        async def state() -> str:
            return text_of(await observer.call_tool("task_state", {"token": token}))

        async with open_client(fidelity_server.url, mode) as client:
            async with anyio.create_task_group() as group:
                group.start_soon(client.call_tool, "wait_forever", {"token": token})
                with anyio.fail_after(10):
                    while await state() != "running":
                        await anyio.sleep(0.05)
                # Cancelling the caller's task makes the SDK send notifications/cancelled
                # (2025 era) or close the request's stream (2026-07-28).
                group.cancel_scope.cancel()
            with anyio.fail_after(10):
                while (current := await state()) == "running":
                    await anyio.sleep(0.05)
            assert current == "stopped"


@pytest.mark.filterwarnings("ignore:resources/(un)?subscribe is removed")
async def test_subscribers_hear_of_resource_updates_until_they_unsubscribe(
    fidelity_server: Server,
) -> None:
    # resources/subscribe is a 2025-era request (2026-07-28 has subscriptions/listen instead).
    updated: list[str] = []

    async def on_message(message: Any) -> None:
        if getattr(message, "method", None) == "notifications/resources/updated":
            updated.append(str(message.params.uri))

    async with open_client(fidelity_server.url, "legacy", message_handler=on_message) as client:
        await client.subscribe_resource("fidelity://readme")
        told = text_of(await client.call_tool("touch_readme", {}))
        assert told == "1"
        with anyio.fail_after(5):
            while not updated:
                await anyio.sleep(0.02)
        assert updated == ["fidelity://readme"]
        await client.unsubscribe_resource("fidelity://readme")
        assert text_of(await client.call_tool("touch_readme", {})) == "0"
