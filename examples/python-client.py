"""Call a ticket example (axum-tickets or actix-tickets) through MCP with the official Python SDK
(mcp==2.3.0).

Run `cargo run -p axum-tickets` (or `-p actix-tickets`) first, then `python examples/python-client.py`.
"""

import asyncio

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client


async def main() -> None:
    headers = {"Authorization": "Bearer demo-token"}
    async with httpx2.AsyncClient(headers=headers) as http:
        transport = streamable_http_client("http://127.0.0.1:3000/mcp", http_client=http)
        async with Client(transport, mode="auto") as client:  # or "legacy" / "2026-07-28"
            tools = await client.list_tools()
            print([tool.name for tool in tools.tools])
            result = await client.call_tool("get_ticket", {"ticket_id": 1})
            print(result.structured_content)


asyncio.run(main())
