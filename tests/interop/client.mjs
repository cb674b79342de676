// One interop check with the official TypeScript SDK, whichever 1.x release is installed next to
// this file: initialize, list the tools, call `get_greeting` with arguments, read
// `test://static-text`, end the session. Run by scripts/interop.sh against examples/conformance-server.
//
//   node client.mjs URL
//
// Prints one line, `ok <sdk version> <negotiated protocol version>`, and exits 0 only when every
// step gave what it should and nothing was logged as an error or warning on the client's side
// (the SDK's transport and client error hooks, console.error / console.warn, unhandled
// rejections).
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const url = new URL(process.argv[2]);
const sdk = JSON.parse(
  readFileSync(new URL("./node_modules/@modelcontextprotocol/sdk/package.json", import.meta.url)),
).version;

const problems = [];
// `client.close()` aborts the client's own requests and streams, and the SDK reports each abort
// through its error hooks: those are not the server's doing.
let closing = false;
const note = (where) => (...args) => {
  const text = args.map(String).join(" ");
  if (!(closing && text.includes("AbortError"))) problems.push(`${where}: ${text}`);
};
console.error = note("console.error");
console.warn = note("console.warn");
process.on("unhandledRejection", (reason) => problems.push(`unhandled rejection: ${reason}`));

const fail = (message) => {
  process.stdout.write(`FAIL sdk ${sdk}: ${message}\n`);
  for (const problem of problems) process.stdout.write(`  ${problem}\n`);
  process.exit(1);
};

const transport = new StreamableHTTPClientTransport(url);
transport.onerror = (error) => note("transport.onerror")(error?.message ?? error);
const client = new Client({ name: "mcp-web-interop", version: "1" });
client.onerror = (error) => note("client.onerror")(error?.message ?? error);

try {
  await client.connect(transport);
  const { tools } = await client.listTools();
  if (!tools.some((tool) => tool.name === "get_greeting")) fail("tools/list has no get_greeting");
  const result = await client.callTool({
    name: "get_greeting",
    arguments: { name: "Ada", greeting: "Hi" },
  });
  const text = (result.content ?? []).map((block) => block.text ?? "").join("");
  if (result.isError || !text.includes("Hi, Ada!")) fail(`get_greeting answered ${JSON.stringify(result)}`);
  const read = await client.readResource({ uri: "test://static-text" });
  if (!read.contents?.[0]?.text) fail(`resources/read answered ${JSON.stringify(read)}`);
  await transport.terminateSession?.();
  // Give late transport errors (a stream the server ends badly) a moment to surface.
  await new Promise((resolve) => setTimeout(resolve, 200));
  closing = true;
  await client.close();
} catch (error) {
  fail(`${error?.stack ?? error}`);
}
await new Promise((resolve) => setTimeout(resolve, 100));
if (problems.length > 0) fail("errors or warnings were logged");
process.stdout.write(`ok ${sdk} ${transport.protocolVersion ?? "(no protocol version header)"}\n`);
