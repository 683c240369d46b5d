import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { QUEUES, type QueueKey } from "../../resources/declarations.ts";
import { requireEnv } from "../config.ts";
import { sqs } from "./clients/sqs.ts";

/**
 * JSON with every character outside printable ASCII escaped. SQS refuses
 * some characters (U+FFFE, U+FFFF; the local emulator anything outside the
 * BMP), and a valid incident may hold any of them in its narrative.
 */
export const asciiJson = (value: unknown): string =>
  JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );

/** Sends one message; the incident key travels as an attribute for tracing and redrive. */
export const sendToQueue = async (
  queue: QueueKey,
  incidentKey: string,
  message: unknown,
): Promise<void> => {
  await sqs().send(
    new SendMessageCommand({
      QueueUrl: requireEnv(QUEUES[queue].envVar),
      MessageBody: asciiJson(message),
      MessageAttributes: { incidentId: { DataType: "String", StringValue: incidentKey } },
    }),
  );
};
