import { SQSClient } from "@aws-sdk/client-sqs";
import { clientDefaults, perContainer } from "./container.ts";

// With an endpoint override (the local stack), requests go there rather
// than to the host named in the queue URL.
export const sqs = perContainer(
  () =>
    new SQSClient({
      ...clientDefaults(),
      ...(process.env.AWS_ENDPOINT_URL_SQS ? { useQueueUrlAsEndpoint: false } : {}),
    }),
);
