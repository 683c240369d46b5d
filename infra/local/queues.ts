import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { type MessageAttributeValue, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { type FauxqsServer, startFauxqs } from "fauxqs";
import { type QueueDeclaration, visibilityTimeoutSeconds } from "../../resources/declarations.ts";
import { LOCAL_AWS_ENV } from "./env.ts";

export interface LocalQueue {
  key: string;
  declaration: QueueDeclaration;
  name: string;
  url: string;
  dlqName: string;
  dlqUrl: string;
}

interface SavedMessage {
  body: string;
  messageAttributes: Record<
    string,
    { DataType: string; StringValue?: string; BinaryValue?: string }
  >;
}

/** The emulator keeps messages in memory; these are saved at stop and sent again at start. */
interface QueueSnapshot {
  version: 1;
  savedAt: string;
  queues: Record<string, SavedMessage[]>;
}

export interface LocalQueues {
  server: FauxqsServer;
  queues: LocalQueue[];
  /** Writes every message still held (ready, delayed or in flight) to the snapshot file. */
  saveSnapshot(): number;
  stop(): Promise<void>;
}

export const startLocalQueues = async (options: {
  prefix: string;
  declarations: Record<string, QueueDeclaration>;
  snapshotFile: string;
  /** Tests shorten the visibility timeout to see retries and the DLQ within seconds. */
  visibilityTimeoutSeconds?: number;
}): Promise<LocalQueues> => {
  const server = await startFauxqs({
    port: 0,
    logger: false,
    defaultRegion: LOCAL_AWS_ENV.AWS_REGION,
  });
  const region = LOCAL_AWS_ENV.AWS_REGION;
  const queues = Object.entries(options.declarations).map(([key, declaration]) => {
    const name = `${options.prefix}-${declaration.id}`;
    const dlqName = `${name}-dlq`;
    const dlq = server.createQueue(dlqName, {
      region,
      attributes: { MessageRetentionPeriod: String(declaration.dlqRetentionDays * 86_400) },
    });
    const queue = server.createQueue(name, {
      region,
      attributes: {
        VisibilityTimeout: String(
          options.visibilityTimeoutSeconds ?? visibilityTimeoutSeconds(declaration),
        ),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlq.queueArn,
          maxReceiveCount: String(declaration.maxReceiveCount),
        }),
      },
    });
    return { key, declaration, name, url: queue.queueUrl, dlqName, dlqUrl: dlq.queueUrl };
  });

  const client = localSqsClient(server.address);
  const restored = await restoreSnapshot(client, server, options.snapshotFile);
  if (restored > 0) console.log(`  restored ${restored} queued message(s) from the last run`);

  let lastSaved = "";
  const saveSnapshot = () => {
    const snapshot: QueueSnapshot = { version: 1, savedAt: new Date().toISOString(), queues: {} };
    let count = 0;
    for (const name of queues.flatMap((queue) => [queue.name, queue.dlqName])) {
      const state = server.inspectQueue(name);
      if (!state) continue;
      const held = [
        ...state.messages.ready,
        ...state.messages.delayed,
        ...state.messages.inflight.map((entry) => entry.message),
      ];
      if (held.length === 0) continue;
      snapshot.queues[name] = held.map((message) => ({
        body: message.body,
        messageAttributes: message.messageAttributes,
      }));
      count += held.length;
    }
    const text = JSON.stringify(snapshot.queues);
    if (text !== lastSaved) {
      if (count > 0) {
        const temporary = `${options.snapshotFile}.tmp`;
        writeFileSync(temporary, JSON.stringify(snapshot), { mode: 0o600 });
        renameSync(temporary, options.snapshotFile);
      } else {
        rmSync(options.snapshotFile, { force: true });
      }
      lastSaved = text;
    }
    return count;
  };
  // Saved every second too, so a crash loses nothing that was accepted: a
  // message restored twice is harmless, the consumers being idempotent.
  const saver = setInterval(saveSnapshot, 1000);
  saver.unref();

  return {
    server,
    queues,
    saveSnapshot,
    stop: async () => {
      clearInterval(saver);
      client.destroy();
      await server.stop();
    },
  };
};

/**
 * Puts saved messages back on their queues. The file stays until the next
 * save replaces it, so a crash right after a restart loses nothing either.
 */
const restoreSnapshot = async (client: SQSClient, server: FauxqsServer, file: string) => {
  if (!existsSync(file)) return 0;
  const snapshot = JSON.parse(readFileSync(file, "utf8")) as QueueSnapshot;
  let count = 0;
  for (const [name, messages] of Object.entries(snapshot.queues)) {
    const url = server.inspectQueue(name)?.url;
    if (!url) continue;
    for (const message of messages) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: message.body,
          MessageAttributes: message.messageAttributes as Record<string, MessageAttributeValue>,
        }),
      );
      count++;
    }
  }
  return count;
};

export const localSqsClient = (endpoint: string) =>
  new SQSClient({
    endpoint,
    useQueueUrlAsEndpoint: false,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: {
      accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY,
    },
  });
