import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SQSClient } from "@aws-sdk/client-sqs";
import { redrive } from "../shared/adapters/redrive.ts";

/**
 * `npm run redrive -- --queue intake|redaction`: moves the dead-letter
 * queue's messages back to the queue, on the running local stack (found
 * through its data folder), or in AWS with --dlq-url and --queue-url.
 * Exit 0 with the count moved; 2 for refused flags; 1 when no queue answers.
 */
const refuse = (message: string, code = 2): never => {
  process.stderr.write(`redrive: ${message}\n`);
  process.exit(code);
};

let values: Record<string, string | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      queue: { type: "string" },
      "data-dir": { type: "string" },
      "dlq-url": { type: "string" },
      "queue-url": { type: "string" },
    },
    strict: true,
  }) as { values: Record<string, string | undefined> });
} catch (error) {
  refuse(error instanceof Error ? error.message : "unknown option");
}
const queue = values!.queue;
let dlqUrl = values!["dlq-url"];
let queueUrl = values!["queue-url"];
let client: SQSClient;

if (dlqUrl || queueUrl) {
  if (!dlqUrl || !queueUrl) refuse("--dlq-url and --queue-url go together");
  if (!/^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com\/\d{12}\/[\w-]{1,80}$/.test(`${dlqUrl}`)) {
    refuse("--dlq-url must be an SQS queue URL");
  }
  client = new SQSClient({});
} else {
  if (queue !== "intake" && queue !== "redaction") refuse("--queue must be intake or redaction");
  const dataDir = values!["data-dir"] ?? process.env.DATA_DIR ?? ".data";
  let endpoints: { sqs: string; queues: Record<string, { url: string; dlqUrl: string }> };
  try {
    endpoints = JSON.parse(readFileSync(join(dataDir, "endpoints.json"), "utf8"));
  } catch {
    refuse(`no local stack is running on ${dataDir}: start it with npm start`, 1);
  }
  dlqUrl = endpoints!.queues[queue!]!.dlqUrl;
  queueUrl = endpoints!.queues[queue!]!.url;
  client = new SQSClient({
    endpoint: endpoints!.sqs,
    useQueueUrlAsEndpoint: false,
    region: "us-west-2",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}

try {
  const { moved, reasons } = await redrive(client!, { dlqUrl: dlqUrl!, queueUrl: queueUrl! });
  console.log(`moved ${moved} message(s) from the dead-letter queue back to its queue`);
  for (const [reason, count] of Object.entries(reasons)) console.log(`  ${count}\t${reason}`);
} catch (error) {
  refuse(`the queue did not answer (${error instanceof Error ? error.name : "error"})`, 1);
}
