"""End-to-end: tasks with the official MCP Python SDK, against both ticket examples, in both
eras that have them. `create_report` is `POST /reports`, documented as `202 Accepted` +
`Location`, so mcp-web makes its calls tasks:

- 2026-07-28 (SEP-2663): a client that declares the tasks extension gets the task at once,
  polls `tasks/get` until the report is built (mcp-web reads the `Location` link in-process),
  reads the report inline, and can cancel.
- 2025-11-25 (the experimental `tasks` capability, a legacy session): the client asks for a
  task with `params.task`, polls `tasks/get`, fetches the report with `tasks/result`, lists
  its tasks with `tasks/list` and cancels with `tasks/cancel`. The SDK (mcp 2.3.0) has the
  2025-11-25 types but no client API for these methods, so the requests are sent through its
  session with the request models below.

Clients that ask for no task wait for the report in the request.
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


# The 2025-11-25 experimental tasks, in a legacy session.


class LegacyTaskParams(RequestParams):
    """`params.task` of a 2025-11-25 task-augmented request."""

    ttl: int | None = None


class LegacyCallParams(RequestParams):
    name: str
    arguments: dict[str, Any]
    task: LegacyTaskParams


class LegacyCall(Request[LegacyCallParams, Literal["tools/call"]]):
    """`tools/call` that asks for a task (`params.task`)."""

    method: Literal["tools/call"] = "tools/call"


class LegacyCreated(Result):
    """The 2025-11-25 `CreateTaskResult`: `{task: Task}`."""

    task: dict[str, Any]


class LegacyTask(Result):
    """The 2025-11-25 `Task` (`tasks/get`, `tasks/cancel`): flat, with `ttl` and `pollInterval`."""

    model_config = ConfigDict(extra="allow")

    task_id: str
    status: str
    created_at: str
    last_updated_at: str
    ttl: int | None
    poll_interval: int | None = None


class LegacyTaskList(Result):
    model_config = ConfigDict(extra="allow")

    tasks: list[dict[str, Any]]
    next_cursor: str | None = None


class TaskResult(Request[TaskParams, Literal["tasks/result"]]):
    method: Literal["tasks/result"] = "tasks/result"


class ListTasksParams(RequestParams):
    cursor: str | None = None


class ListTasks(Request[ListTasksParams, Literal["tasks/list"]]):
    method: Literal["tasks/list"] = "tasks/list"


async def legacy_task(client: Client, arguments: dict[str, Any]) -> dict[str, Any]:
    """Call `create_report` as a 2025-11-25 task; the new task.

    `send_request` checks a `tools/call` answer as a `CallToolResult` whatever it was asked, so
    this one goes through the session's dispatcher (the SDK's transport, with the headers the
    session stamps) and its answer is checked here.
    """
    params = LegacyCallParams(name="create_report", arguments=arguments, task=LegacyTaskParams(ttl=60_000))
    data = LegacyCall(params=params).model_dump(by_alias=True, mode="json", exclude_none=True)
    session = client.session
    opts: dict[str, Any] = {}
    session._stamp(data, opts)
    raw = await session._dispatcher.send_raw_request("tools/call", data["params"], opts)
    return LegacyCreated.model_validate(raw).task


async def legacy_get(client: Client, task_id: str) -> LegacyTask:
    return await client.session.send_request(GetTask(params=TaskParams(task_id=task_id)), LegacyTask)


async def test_a_legacy_session_runs_a_report_as_a_2025_task(server: Server) -> None:
    async with connect(server.url, mode="legacy", token=server.token) as client:
        capabilities = client.server_capabilities.model_dump(by_alias=True, exclude_none=True)
        tasks = capabilities.get("tasks")
        assert tasks == {"list": {}, "cancel": {}, "requests": {"tools": {"call": {}}}}, capabilities
        listed = await client.list_tools()
        report_tool = next(t for t in listed.tools if t.name == "create_report")
        execution = report_tool.model_dump(by_alias=True, exclude_none=True).get("execution")
        assert execution == {"taskSupport": "optional"}, report_tool

        created = await legacy_task(client, {"assignee": "alice"})
        assert created["status"] == "working", created
        assert created["ttl"] == 60_000 and created["pollInterval"] > 0, created
        task_id = created["taskId"]
        # Polled until it ends.
        with anyio.fail_after(20):
            task = await legacy_get(client, task_id)
            while task.status not in ("completed", "failed", "cancelled"):
                await anyio.sleep(task.poll_interval / 1000)
                task = await legacy_get(client, task_id)
        assert task.status == "completed", task
        # The tool's result, tied to its task.
        result = await client.session.send_request(
            TaskResult(params=TaskParams(task_id=task_id)), CallToolResult
        )
        assert not result.is_error, result
        assert result.structured_content["assignee"] == "alice"
        assert result.meta["io.modelcontextprotocol/related-task"] == {"taskId": task_id}
        # `tasks/result` also waits for a task still running.
        waiting = await legacy_task(client, {})
        with anyio.fail_after(20):
            result = await client.session.send_request(
                TaskResult(params=TaskParams(task_id=waiting["taskId"])), CallToolResult
            )
        assert result.structured_content["assignee"] == "everyone", result
        listed_tasks = await client.session.send_request(ListTasks(params=ListTasksParams()), LegacyTaskList)
        assert [t["taskId"] for t in listed_tasks.tasks] == [task_id, waiting["taskId"]], listed_tasks


async def test_cancelling_a_2025_task(server: Server) -> None:
    async with connect(server.url, mode="legacy", token=server.token) as client:
        created = await legacy_task(client, {})
        cancelled = await client.session.send_request(
            CancelTask(params=TaskParams(task_id=created["taskId"])), LegacyTask
        )
        assert cancelled.status == "cancelled", cancelled
        assert (await legacy_get(client, created["taskId"])).status == "cancelled"
        # A task that ended cannot be cancelled again.
        with pytest.raises(MCPError) as refused:
            await client.session.send_request(CancelTask(params=TaskParams(task_id=created["taskId"])), LegacyTask)
        assert refused.value.error.code == -32602
        # Nor seen from another session.
        async with connect(server.url, mode="legacy", token=server.token) as other:
            with pytest.raises(MCPError) as hidden:
                await legacy_get(other, created["taskId"])
            assert hidden.value.error.code == -32602
