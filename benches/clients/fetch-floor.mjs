// The floor under the TypeScript SDK's figures: Node's own `fetch` (what the SDK's transport
// uses) sending the same `tools/call` POST without the SDK, and the REST call the tool wraps,
// sequential on one keep-alive connection.
//
// Run by scripts/bench-clients.sh:   node fetch-floor.mjs LABEL URL TOKEN CALLS
// Prints two markdown table rows in bench-clients' format (a failed call is a non-2xx answer or a
// body without the ticket).
import { performance } from "node:perf_hooks";

const [label, url, token, callsArg] = process.argv.slice(2);
const calls = Number(callsArg ?? 200);
const message = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: {
    name: "get_ticket",
    arguments: { ticket_id: 1 },
    _meta: {
      "io.modelcontextprotocol/protocolVersion": "2026-07-28",
      "io.modelcontextprotocol/clientInfo": { name: "fetch-floor", version: "1" },
      "io.modelcontextprotocol/clientCapabilities": {},
    },
  },
});
const mcp = () =>
  fetch(url, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": "tools/call",
      "mcp-name": "get_ticket",
    },
    body: message,
  });
const rest = () =>
  fetch(new URL("/tickets/1", url), { headers: { authorization: `Bearer ${token}` } });

async function measure(request) {
  let failed = 0;
  const once = async () => {
    const response = await request();
    const text = await response.text();
    if (!response.ok || !text.includes("Checkout page")) failed += 1;
  };
  for (let i = 0; i < 20; i += 1) await once(); // warm-up, not timed
  failed = 0;
  const times = [];
  for (let i = 0; i < calls; i += 1) {
    const start = performance.now();
    await once();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((sum, t) => sum + t, 0) / times.length;
  const p50 = times[Math.ceil(times.length / 2) - 1];
  const ms = (t) => t.toFixed(t < 10 ? 2 : 1);
  return { mean: ms(mean), p50: ms(p50), max: ms(times[times.length - 1]), failed };
}

const node = `Node ${process.version} fetch, no SDK`;
for (const [what, request] of [
  ["the same tools/call POST", mcp],
  ["REST GET /tickets/1", rest],
]) {
  const r = await measure(request);
  console.log(`| ${node} | ${label} | ${what} | ${r.mean} | ${r.p50} | ${r.max} | — | ${r.failed} |`);
}
