"""End-to-end: tasks (SEP-2663, 2026-07-28) with the official MCP Python SDK, against both ticket
examples. `create_report` is `POST /reports`, documented as `202 Accepted` + `Location`, so
mcp-web makes its calls tasks: a client that declares the tasks extension gets the task at
once, polls `tasks/get` until the report is built (mcp-web reads the `Location` link
in-process), reads the report inline, and can cancel. The 2025-era protocol here has no tasks
(the experimental 2025-11-25 flavour is not served): legacy clients, and clients without the
extension, wait for the report in the request.
"""

from __future__ import annotations

from typing import Any, Literal

import anyio
import pytest
from mcp import Client, MCPError
from mcp.client.extension import ClaimContext, ClientExtension, ResultClaim
from mcp.types import CallToolResult
from mcp_types import Request, RequestParams, Result
from pydantic import ConfigDict

from conftest import Server, connect

pytestmark = pytest.mark.anyio

TASKS = "io.modelcontextprotocol/tasks"
MODERN = "2026-07-28"


class CreatedTask(Result):
    """`CreateTaskResult`: the task, flat, with `resultType: "task"`."""

    result_type: Literal["task"]
    task_id: str
    status: str
    created_at: str
    last_updated_at: str
    ttl_ms: int | None
    poll_interval_ms: int | None = None


class DetailedTask(Result):
    """`tasks/get`: the task with its result, error or questions inline."""

    model_config = ConfigDict(extra="allow")

    task_id: str
    status: str
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


class Ack(Result):
    """The empty `{resultType: "complete"}` of `tasks/cancel` and `tasks/update`."""

    model_config = ConfigDict(extra="allow")

    result_type: str | None = None


class TaskParams(RequestParams):
    task_id: str


class GetTask(Request[TaskParams, Literal["tasks/get"]]):
    method: Literal["tasks/get"] = "tasks/get"
    name_param = "taskId"


class CancelTask(Request[TaskParams, Literal["tasks/cancel"]]):
    method: Literal["tasks/cancel"] = "tasks/cancel"
    name_param = "taskId"


async def get_task(client: Client, task_id: str) -> DetailedTask:
    return await client.session.send_request(GetTask(params=TaskParams(task_id=task_id)), DetailedTask)


async def poll(client: Client, task_id: str, timeout: float = 20.0) -> DetailedTask:
    """`tasks/get` until the task ends."""
    with anyio.fail_after(timeout):
        while True:
            task = await get_task(client, task_id)
            if task.status in ("completed", "failed", "cancelled"):
                return task
            await anyio.sleep(0.2)


async def resolve(created: CreatedTask, ctx: ClaimContext) -> CallToolResult:
    """What a task-aware client does with a task: poll it, and return its result."""
    assert created.status == "working", created
    task = await ctx.session.send_request(
        GetTask(params=TaskParams(task_id=created.task_id)), DetailedTask
    )
    with anyio.fail_after(20):
        while task.status not in ("completed", "failed", "cancelled"):
            await anyio.sleep(0.2)
            task = await ctx.session.send_request(
                GetTask(params=TaskParams(task_id=created.task_id)), DetailedTask
            )
    assert task.status == "completed", task
    assert task.result is not None
    return CallToolResult.model_validate(task.result)


class Tasks(ClientExtension):
    """The tasks extension, as far as these tests need it: a task answer is polled to its end."""

    identifier = TASKS

    def claims(self) -> list[ResultClaim[Any]]:
        return [ResultClaim(result_type="task", model=CreatedTask, resolve=resolve)]


async def test_a_report_is_a_task_polled_to_its_result(server: Server) -> None:
    async with connect(server.url, mode=MODERN, token=server.token, extensions=[Tasks()]) as client:
        await client.list_tools()
        created = await client.session.call_tool("create_report", {}, allow_claimed=True)
        assert isinstance(created, CreatedTask), created
        assert created.status == "working"
        assert created.ttl_ms and created.ttl_ms > 0
        # Strongly consistent: the task is there as soon as the client hears of it.
        first = await get_task(client, created.task_id)
        assert first.task_id == created.task_id
        assert first.status == "working", first
        done = await poll(client, created.task_id)
        assert done.status == "completed", done
        report = done.result["structuredContent"]
        assert report["total"] == sum(report["by_status"].values()), report
        assert report["assignee"] == "everyone"

        # Through the SDK's claim: `call_tool` returns the task's result once it is done.
        result = await client.call_tool("create_report", {"assignee": "alice"})
        assert not result.is_error, result
        assert result.structured_content["assignee"] == "alice"


async def test_cancelling_a_report_task(server: Server) -> None:
    async with connect(server.url, mode=MODERN, token=server.token, extensions=[Tasks()]) as client:
        await client.list_tools()
        created = await client.session.call_tool("create_report", {}, allow_claimed=True)
        assert isinstance(created, CreatedTask), created
        ack = await client.session.send_request(
            CancelTask(params=TaskParams(task_id=created.task_id)), Ack
        )
        assert ack.result_type == "complete", ack
        cancelled = await poll(client, created.task_id)
        assert cancelled.status == "cancelled", cancelled
        assert cancelled.result is None
        # Cancelling again is acknowledged; it stays cancelled.
        await client.session.send_request(CancelTask(params=TaskParams(task_id=created.task_id)), Ack)
        assert (await get_task(client, created.task_id)).status == "cancelled"


async def test_an_unknown_task_is_invalid_params(server: Server) -> None:
    async with connect(server.url, mode=MODERN, token=server.token, extensions=[Tasks()]) as client:
        with pytest.raises(MCPError) as refused:
            await get_task(client, "no-such-task")
        assert refused.value.error.code == -32602


@pytest.mark.parametrize("mode", ["legacy", MODERN])
async def test_without_tasks_the_call_waits_for_the_report(server: Server, mode: str) -> None:
    async with connect(server.url, mode=mode, token=server.token) as client:
        await client.list_tools()
        with anyio.fail_after(20):
            result = await client.call_tool("create_report", {})
        assert not result.is_error, result
        report = result.structured_content
        assert report["total"] == sum(report["by_status"].values()), report
