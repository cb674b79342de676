"""Sequential tools/call latency through the official Python MCP SDK (mcp 2.x), in one mode.

Run by scripts/bench-clients.sh with the repository's .venv (tests/e2e/requirements.txt):
    python py_calls.py LABEL URL TOKEN CALLS MODE      # MODE: legacy | 2026-07-28
Prints one markdown table row: client, server, protocol, mean / p50 / max ms per call, transport
errors (warnings and errors the SDK and its HTTP client log, which a clean server never causes)
and failed calls.
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


if __name__ == "__main__":
    label, url, token, calls, mode = sys.argv[1:6]
    asyncio.run(main(label, url, token, int(calls), mode))
