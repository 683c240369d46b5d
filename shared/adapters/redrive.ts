import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";

/**
 * Moves every message from a dead-letter queue back to its source queue:
 * sent again first, deleted from the DLQ after, so a failure halfway leaves
 * a duplicate (which the idempotent consumers absorb), never a loss.
 * Returns counts only: a message's body is never printed.
 */
export const redrive = async (
  client: SQSClient,
  {
    dlqUrl,
    queueUrl,
    maxMessages = 100_000,
  }: { dlqUrl: string; queueUrl: string; maxMessages?: number },
): Promise<{ moved: number }> => {
  let moved = 0;
  while (moved < maxMessages) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 60,
        MessageAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: message.Body ?? "",
          ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
        }),
      );
      await client.send(
        new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: message.ReceiptHandle ?? "" }),
      );
      moved++;
    }
  }
  return { moved };
};
