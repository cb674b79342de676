"""Sequential tools/call latency through the official Python MCP SDK (mcp 2.x), in one mode.

Run by scripts/bench-clients.sh with the repository's .venv (tests/e2e/requirements.txt):
    python py_calls.py LABEL URL TOKEN CALLS MODE      # MODE: legacy | 2026-07-28 | floor
Prints one markdown table row: client, server, protocol, mean / p50 / max ms per call, transport
errors (warnings and errors the SDK and its HTTP client log, which a clean server never causes)
and failed calls. MODE `floor` prints two rows instead: the SDK's HTTP client (httpx2) sending
the same `tools/call` POST without the SDK, and the REST call the tool wraps — the floor under
the SDK's figures.
"""

from __future__ import annotations

import asyncio
import logging
import math
import sys
import time
from importlib.metadata import version

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client


class Counter(logging.Handler):
    """Counts warnings and errors logged by the SDK's transport and HTTP client."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in ("mcp", "httpx2", "httpx", "httpcore", "anyio"):
            self.count += 1
            if len(self.first) < 3:
                self.first.append(f"{record.name}: {record.getMessage()}")


async def main(label: str, url: str, token: str, calls: int, mode: str) -> None:
    counter = Counter()
    logging.getLogger().addHandler(counter)
    failed = 0
    first_failures: list[str] = []
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http:
        transport = streamable_http_client(url, http_client=http)
        async with Client(transport, mode=mode) as client:
            await client.list_tools()

            async def call() -> bool:
                try:
                    result = await client.call_tool("get_ticket", {"ticket_id": 1})
                    if result.is_error:
                        raise RuntimeError(f"tool error: {result.content}")
                    return True
                except Exception as error:  # every failure counts, whatever its type
                    if len(first_failures) < 3:
                        first_failures.append(f"call: {error!r}")
                    return False

            for _ in range(20):  # warm-up (allocator, caches), not timed
                await call()
            times = []
            for _ in range(calls):
                start = time.perf_counter()
                failed += not await call()
                times.append((time.perf_counter() - start) * 1e3)
            protocol = client.protocol_version
    times.sort()
    mean = sum(times) / len(times)
    p50 = times[math.ceil(len(times) / 2) - 1]

    def ms(t: float) -> str:
        return f"{t:.2f}" if t < 10 else f"{t:.1f}"

    era = "session" if mode == "legacy" else "stateless"
    print(
        f"| Python SDK {version('mcp')} ({mode}) | {label} | {protocol} {era} | "
        f"{ms(mean)} | {ms(p50)} | {ms(times[-1])} | {counter.count} | {failed} |"
    )
    for line in counter.first + first_failures:
        print(f"{label} Python {mode}: {line}", file=sys.stderr)


MESSAGE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "tools/call",
    "params": {
        "name": "get_ticket",
        "arguments": {"ticket_id": 1},
        "_meta": {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientInfo": {"name": "httpx2-floor", "version": "1"},
            "io.modelcontextprotocol/clientCapabilities": {},
        },
    },
}


async def floor(label: str, url: str, token: str, calls: int) -> None:
    headers = {
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2026-07-28",
        "Mcp-Method": "tools/call",
        "Mcp-Name": "get_ticket",
    }
    rest_url = url.removesuffix("/mcp") + "/tickets/1"
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http:

        async def post() -> httpx2.Response:
            return await http.post(url, json=MESSAGE, headers=headers)

        async def get() -> httpx2.Response:
            return await http.get(rest_url)

        for what, request in (("the same tools/call POST", post), ("REST GET /tickets/1", get)):
            failed = 0
            times = []
            for n in range(20 + calls):  # 20 warm-up requests, not timed
                start = time.perf_counter()
                response = await request()
                ok = response.is_success and "Checkout page" in response.text
                if n >= 20:
                    times.append((time.perf_counter() - start) * 1e3)
                    failed += not ok
            times.sort()
            mean = sum(times) / len(times)
            p50 = times[math.ceil(len(times) / 2) - 1]
            print(
                f"| httpx2 {version('httpx2')}, no SDK | {label} | {what} | "
                f"{mean:.2f} | {p50:.2f} | {times[-1]:.2f} | — | {failed} |"
            )


if __name__ == "__main__":
    label, url, token, calls, mode = sys.argv[1:6]
    if mode == "floor":
        asyncio.run(floor(label, url, token, int(calls)))
    else:
        asyncio.run(main(label, url, token, int(calls), mode))
