import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { FunctionDeclaration } from "../../resources/declarations.ts";
import { LOCAL_AWS_ENV } from "./env.ts";
import { invokeWithTimeout, lambdaContext } from "./lambda-context.ts";

export type SqsHandler = (
  event: SQSEvent,
  context: Context,
) => Promise<SQSBatchResponse | undefined>;

export interface PollerOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  functionName: string;
  declaration: FunctionDeclaration;
  batchSize: number;
  handler: SqsHandler;
  onError?: (error: unknown) => void;
}

const toRecord = (message: Message, queueArn: string): SQSRecord => ({
  messageId: message.MessageId ?? "",
  receiptHandle: message.ReceiptHandle ?? "",
  body: message.Body ?? "",
  attributes: {
    ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? "1",
    SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
    SenderId: message.Attributes?.SenderId ?? "000000000000",
    ApproximateFirstReceiveTimestamp:
      message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
  },
  messageAttributes: Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
      name,
      {
        dataType: value.DataType ?? "String",
        ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
        stringListValues: [],
        binaryListValues: [],
      },
    ]),
  ),
  md5OfBody: message.MD5OfBody ?? "",
  eventSource: "aws:sqs",
  eventSourceARN: queueArn,
  awsRegion: LOCAL_AWS_ENV.AWS_REGION,
});

/**
 * Lambda's SQS event source mapping, locally: receives batches, invokes the
 * handler with a real SQS event, deletes the records it did not report in
 * `batchItemFailures`, and leaves everything when the invocation throws or
 * times out, so the queue's visibility timeout and redrive policy decide
 * what happens next, as in AWS.
 */
export const startPoller = (options: PollerOptions) => {
  let running = true;
  const loops: Promise<void>[] = [];

  const pollOnce = async () => {
    const { Messages = [] } = await options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: options.batchSize,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) return;
    const event: SQSEvent = {
      Records: Messages.map((message) => toRecord(message, options.queueArn)),
    };
    const { timeoutSeconds, memoryMb } = options.declaration;
    const context = lambdaContext(options.functionName, timeoutSeconds, memoryMb);
    let failed: Set<string>;
    try {
      const response = await invokeWithTimeout(
        () => options.handler(event, context),
        context,
        timeoutSeconds,
      );
      failed = new Set(
        (response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier),
      );
      // Lambda treats a failure naming no record of the batch as a failed batch.
      const ids = new Set(Messages.map((message) => message.MessageId));
      if ([...failed].some((id) => !ids.has(id))) return;
    } catch (error) {
      options.onError?.(error);
      return;
    }
    const done = Messages.filter((message) => !failed.has(message.MessageId ?? ""));
    if (done.length === 0) return;
    const { Failed = [] } = await options.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: done.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle ?? "",
        })),
      }),
    );
    // A record that could not be deleted comes back after its visibility
    // timeout, as in Lambda; the consumers are idempotent.
    if (Failed.length > 0)
      options.onError?.(new Error(`${Failed.length} processed message(s) not deleted`));
  };

  const loop = async () => {
    while (running) {
      try {
        await pollOnce();
      } catch (error) {
        options.onError?.(error);
        if (running) await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };

  // One batch at a time, as a mapping with a maximum concurrency of one.
  // The function's containers run one invocation each, and a stuck one is
  // ended at the function's timeout; the batch is then left to the queue.
  loops.push(loop());

  return {
    /** Stops receiving and waits for the batches in flight to finish. */
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
};
