import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";

/**
 * One client per container, created on first use. Endpoints come from the
 * SDK's own AWS_ENDPOINT_URL_* variables, which the local stack sets.
 */
let documentClient: DynamoDBDocumentClient | undefined;
let sqsClient: SQSClient | undefined;
let s3Client: S3Client | undefined;

/**
 * Bounded waits: a slow service must end in a 503 the client can retry, well
 * before the function's own timeout turns it into the gateway's 5xx.
 */
const clientDefaults = () => ({
  maxAttempts: 3,
  requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 2500 }),
});

export const dynamo = (): DynamoDBDocumentClient => {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient(clientDefaults()), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
};

export const sqs = (): SQSClient => {
  // With an endpoint override (the local stack), requests go there rather
  // than to the host named in the queue URL.
  sqsClient ??= new SQSClient({
    ...clientDefaults(),
    ...(process.env.AWS_ENDPOINT_URL_SQS ? { useQueueUrlAsEndpoint: false } : {}),
  });
  return sqsClient;
};

export const s3 = (): S3Client => {
  // The local emulator serves buckets as paths of its one address.
  s3Client ??= new S3Client({
    ...clientDefaults(),
    ...(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {}),
  });
  return s3Client;
};

/** Drops the cached clients, so the next use reads the endpoints again (a new container). */
export const resetClients = (): void => {
  documentClient?.destroy();
  sqsClient?.destroy();
  s3Client?.destroy();
  documentClient = undefined;
  sqsClient = undefined;
  s3Client = undefined;
};
