"""One interop check with the official Python SDK, 1.x or 2.x (whichever the running Python has):
initialize, list the tools, call `get_greeting` with arguments, read `test://static-text`, end the
session. Run by scripts/interop.sh against examples/conformance-server.

    python client.py URL [MODE]      # MODE (2.x only): legacy | 2026-07-28

Prints one line, `ok <sdk version> <negotiated protocol version>`, and exits 0 only when every step
gave what it should and nothing was logged at WARNING or above by the SDK or its HTTP stack.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from importlib.metadata import version

SDK = version("mcp")


class Problems(logging.Handler):
    """Collects warnings and errors logged by the SDK and the libraries under it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(f"{record.name} {record.levelname}: {record.getMessage()}")


def check(result_text: str, contents: list) -> None:
    if "Hi, Ada!" not in result_text:
        raise AssertionError(f"get_greeting answered {result_text!r}")
    if not contents or not getattr(contents[0], "text", ""):
        raise AssertionError(f"resources/read answered {contents!r}")


def text_of(result) -> str:
    if result.isError if hasattr(result, "isError") else result.is_error:
        raise AssertionError(f"get_greeting failed: {result}")
    return "".join(getattr(block, "text", "") for block in result.content)


async def with_sdk_1(url: str) -> str:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamablehttp_client
    from pydantic import AnyUrl

    async with streamablehttp_client(url) as (read, write, _session_id):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            tools = await session.list_tools()
            if not any(tool.name == "get_greeting" for tool in tools.tools):
                raise AssertionError("tools/list has no get_greeting")
            result = await session.call_tool("get_greeting", {"name": "Ada", "greeting": "Hi"})
            resource = await session.read_resource(AnyUrl("test://static-text"))
            check(text_of(result), resource.contents)
            return str(init.protocolVersion)


async def with_sdk_2(url: str, mode: str) -> str:
    from mcp import Client

    async with Client(url, mode=mode) as client:
        tools = await client.list_tools()
        if not any(tool.name == "get_greeting" for tool in tools.tools):
            raise AssertionError("tools/list has no get_greeting")
        result = await client.call_tool("get_greeting", {"name": "Ada", "greeting": "Hi"})
        resource = await client.read_resource("test://static-text")
        check(text_of(result), resource.contents)
        return str(client.protocol_version)


def main() -> int:
    url = sys.argv[1]
    mode = sys.argv[2] if len(sys.argv) > 2 else "legacy"
    problems = Problems()
    logging.getLogger().addHandler(problems)
    label = f"python mcp {SDK}" + (f" ({mode})" if SDK.startswith("2.") else "")
    try:
        if SDK.startswith("1."):
            protocol = asyncio.run(with_sdk_1(url))
        else:
            protocol = asyncio.run(with_sdk_2(url, mode))
    except BaseException as error:  # every failure is a failed check, whatever its type
        problems.seen.insert(0, f"{type(error).__name__}: {error}")
        protocol = None
    if problems.seen or protocol is None:
        print(f"FAIL {label}")
        for problem in problems.seen:
            print(f"  {problem}")
        return 1
    print(f"ok {label} {protocol}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
