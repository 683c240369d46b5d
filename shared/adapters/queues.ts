import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { QUEUES, type QueueKey } from "../../infra/resources.ts";
import { requireEnv } from "../config.ts";
import { sqs } from "./clients.ts";

/** Sends one message; the incident key travels as an attribute for tracing and redrive. */
export const sendToQueue = async (
  queue: QueueKey,
  incidentKey: string,
  message: unknown,
): Promise<void> => {
  await sqs().send(
    new SendMessageCommand({
      QueueUrl: requireEnv(QUEUES[queue].envVar),
      MessageBody: JSON.stringify(message),
      MessageAttributes: { incidentId: { DataType: "String", StringValue: incidentKey } },
    }),
  );
};
