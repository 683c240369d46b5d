import { parseArgs } from "node:util";
import { startLocalStack } from "./stack.ts";

/** `npm start`: the whole pipeline on localhost until Ctrl-C. */
const { values } = parseArgs({
  options: { "data-dir": { type: "string" }, port: { type: "string" } },
  strict: true,
});

const portText = values.port ?? process.env.PORT ?? "3000";
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error("PORT must be an integer from 0 to 65535.");
  process.exit(2);
}
const dataDir = values["data-dir"] ?? process.env.DATA_DIR ?? ".data";
const started = Date.now();

try {
  const stack = await startLocalStack({
    dataDir,
    port,
    log: (line) => console.error(`[local] ${line}`),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`
SRO incident pipeline running at ${stack.url} (ready in ${seconds} s; data in ${stack.dataDir})

  health:   curl ${stack.url}/health
  token:    TOKEN=$(npm run --silent token -- --role sro --sub officer-1 --schools 19647330000003)
  submit:   curl -i -X POST ${stack.url}/incidents -H "authorization: Bearer $TOKEN" \\
              -H 'content-type: application/json' --data @test/fixtures/example-incident.json
  read:     curl -H "authorization: Bearer $TOKEN" ${stack.url}/incidents/6f1c2a34-9b7e-4d2a-8f51-0c3e5a7b9d10

Ctrl-C stops everything.`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.error("[local] stopping");
    await stack.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
} catch (error) {
  console.error(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
