// Sequential tools/call latency through the official TypeScript MCP SDK (@modelcontextprotocol/sdk
// 1.x, the base of the Inspector, mcp-remote and many editors' clients), in one 2025-era session.
//
// Run by scripts/bench-clients.sh from the directory the SDK is installed in:
//   node ts-calls.mjs LABEL URL TOKEN CALLS
// Prints one markdown table row: client, server, protocol, mean / p50 / max ms per call, transport
// errors (the transport's onerror, which a clean server never triggers) and failed calls.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [label, url, token, callsArg] = process.argv.slice(2);
const calls = Number(callsArg ?? 50);
const sdk = JSON.parse(
  readFileSync(new URL("./node_modules/@modelcontextprotocol/sdk/package.json", import.meta.url)),
).version;

let transportErrors = 0;
let failedCalls = 0;
const firstErrors = [];
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
transport.onerror = (error) => {
  transportErrors += 1;
  if (firstErrors.length < 3) firstErrors.push(`transport: ${error.message}`);
};
const client = new Client({ name: "bench-clients", version: "1" });
await client.connect(transport);
await client.listTools();

const call = async () => {
  try {
    const result = await client.callTool({ name: "get_ticket", arguments: { ticket_id: 1 } });
    if (result.isError) throw new Error(`tool error: ${JSON.stringify(result.content)}`);
  } catch (error) {
    failedCalls += 1;
    if (firstErrors.length < 3) firstErrors.push(`call: ${error.message}`);
  }
};
for (let i = 0; i < 20; i += 1) await call(); // warm-up (V8 compiles the hot path), not timed
failedCalls = 0;

const times = [];
for (let i = 0; i < calls; i += 1) {
  const start = performance.now();
  await call();
  times.push(performance.now() - start);
}
await transport.terminateSession().catch(() => {});
await client.close();

times.sort((a, b) => a - b);
const mean = times.reduce((sum, t) => sum + t, 0) / times.length;
const p50 = times[Math.ceil(times.length / 2) - 1];
const ms = (t) => t.toFixed(t < 10 ? 2 : 1);
console.log(
  `| TypeScript SDK ${sdk} | ${label} | ${transport.protocolVersion ?? "?"} session | ` +
    `${ms(mean)} | ${ms(p50)} | ${ms(times[times.length - 1])} | ${transportErrors} | ${failedCalls} |`,
);
for (const line of firstErrors) console.error(`${label} TypeScript: ${line}`);
