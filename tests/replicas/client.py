"""The official Python SDK through a load balancer in front of stateless MCP replicas
(scripts/replicas.sh): both eras work, and a bounded concurrent load gets every answer, each the
answer to its own call.

Usage: client.py URL TOKEN CLIENTS CALLS

Each call creates a ticket with a title no other call uses and checks that the answer is that
ticket; every fifth call also reads the ticket back by id, which round-robin sends to another
replica than the one that created it. Figures go to stdout as JSON; exit status 1 when anything
was lost, wrong or failed.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

MODES = ["legacy", "2026-07-28"]


async def session(url: str, token: str, mode: str):
    http = httpx2.AsyncClient(
        headers={"Authorization": f"Bearer {token}"}, timeout=httpx2.Timeout(30.0, read=300.0)
    )
    transport = streamable_http_client(url, http_client=http)
    return http, Client(transport, mode=mode, read_timeout_seconds=30.0)


def ticket_of(result) -> dict:
    if result.is_error:
        raise AssertionError(f"tool error: {result.content}")
    return json.loads(result.content[0].text)


async def both_eras(url: str, token: str) -> None:
    """Each era lists, creates, reads back and lists again through the balancer."""
    for mode in MODES:
        http, client = await session(url, token, mode)
        async with http, client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            assert {"create_ticket", "get_ticket", "list_tickets"} <= names, names
            title = f"{mode} {uuid.uuid4()}"
            created = ticket_of(await client.call_tool("create_ticket", {"title": title}))
            assert created["title"] == title, created
            again = ticket_of(await client.call_tool("get_ticket", {"ticket_id": created["id"]}))
            assert again == created, (again, created)
            listed = await client.call_tool("list_tickets", {})
            assert not listed.is_error
        print(f"{mode}: list, create, read back, list through the balancer: ok", flush=True)


async def load(url: str, token: str, clients: int, calls: int) -> dict:
    figures = {"calls_made": 0, "answered": 0, "wrong": 0, "failed": 0, "read_back": 0}
    failures: list[str] = []

    async def one_client(index: int) -> None:
        mode = MODES[index % len(MODES)]
        http, client = await session(url, token, mode)
        async with http, client:
            for call in range(calls):
                title = f"load {index}-{call} {uuid.uuid4()}"
                figures["calls_made"] += 1
                try:
                    created = ticket_of(await client.call_tool("create_ticket", {"title": title}))
                    figures["answered"] += 1
                    if created.get("title") != title:
                        figures["wrong"] += 1
                        failures.append(f"asked for {title!r}, got {created!r}")
                        continue
                    if call % 5 == 0:
                        figures["calls_made"] += 1
                        again = ticket_of(
                            await client.call_tool("get_ticket", {"ticket_id": created["id"]})
                        )
                        figures["answered"] += 1
                        figures["read_back"] += 1
                        if again != created:
                            figures["wrong"] += 1
                            failures.append(f"read back {again!r}, created {created!r}")
                except Exception as error:  # noqa: BLE001 - every failure is counted and shown
                    figures["failed"] += 1
                    failures.append(f"client {index} call {call}: {error!r}")

    started = time.monotonic()
    await asyncio.gather(*(one_client(i) for i in range(clients)))
    figures["seconds"] = round(time.monotonic() - started, 1)
    figures["calls_per_second"] = round(figures["calls_made"] / figures["seconds"])
    for failure in failures[:10]:
        print(failure, file=sys.stderr)
    return figures


async def main() -> int:
    url, token, clients, calls = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    await both_eras(url, token)
    figures = await load(url, token, clients, calls)
    figures["clients"] = clients
    print(json.dumps(figures), flush=True)
    ok = (
        figures["wrong"] == 0
        and figures["failed"] == 0
        and figures["answered"] == figures["calls_made"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
