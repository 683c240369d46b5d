import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { FUNCTIONS } from "../../infra/resources.ts";

/**
 * One client per container, created on first use. Endpoints come from the
 * SDK's own AWS_ENDPOINT_URL_* variables, which the local stack sets.
 */
let documentClient: DynamoDBDocumentClient | undefined;
let sqsClient: SQSClient | undefined;
let s3Client: S3Client | undefined;
let lambdaClient: LambdaClient | undefined;

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

/**
 * Synchronous invocations: one attempt, since a retry would run the invoked
 * function (and write its audit entry) twice and the client can retry; the
 * wait is a little over the longest timeout of a function invoked this way.
 */
export const lambda = (): LambdaClient => {
  lambdaClient ??= new LambdaClient({
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 1000,
      requestTimeout: FUNCTIONS.readRestrictedIncident.timeoutSeconds * 1000 + 1000,
    }),
  });
  return lambdaClient;
};

/** Drops the cached clients, so the next use reads the endpoints again (a new container). */
export const resetClients = (): void => {
  documentClient?.destroy();
  sqsClient?.destroy();
  s3Client?.destroy();
  lambdaClient?.destroy();
  lambdaClient = undefined;
  documentClient = undefined;
  sqsClient = undefined;
  s3Client = undefined;
};
