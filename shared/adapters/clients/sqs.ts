import { SQSClient } from "@aws-sdk/client-sqs";
import { clientDefaults, onNewContainer } from "./container.ts";

let client: SQSClient | undefined;
onNewContainer(() => {
  client?.destroy();
  client = undefined;
});

export const sqs = (): SQSClient => {
  // With an endpoint override (the local stack), requests go there rather
  // than to the host named in the queue URL.
  client ??= new SQSClient({
    ...clientDefaults(),
    ...(process.env.AWS_ENDPOINT_URL_SQS ? { useQueueUrlAsEndpoint: false } : {}),
  });
  return client;
};
