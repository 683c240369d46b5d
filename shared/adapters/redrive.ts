import {
  DeleteMessageCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { FAILURE_ATTRIBUTE_PREFIX, reasonLabel } from "../queue/dead-letter.ts";

/**
 * The message's own attributes without the failure reason its consumer
 * attached: a message that fails again gets the reason of that failure,
 * never an older one beside it.
 */
const withoutReason = (attributes: Record<string, MessageAttributeValue> | undefined) => {
  const kept = Object.entries(attributes ?? {}).filter(
    ([name]) => !name.startsWith(FAILURE_ATTRIBUTE_PREFIX),
  );
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
};

/**
 * Moves every message from a dead-letter queue back to its source queue:
 * sent again first, deleted from the DLQ after, so a failure halfway leaves
 * a duplicate (which the idempotent consumers absorb), never a loss.
 * Returns counts only, by reason (function, error class and code): a
 * message's body is never printed.
 */
export const redrive = async (
  client: SQSClient,
  {
    dlqUrl,
    queueUrl,
    maxMessages = 100_000,
  }: { dlqUrl: string; queueUrl: string; maxMessages?: number },
): Promise<{ moved: number; reasons: Record<string, number> }> => {
  let moved = 0;
  const reasons: Record<string, number> = {};
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
      const attributes = withoutReason(message.MessageAttributes);
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: message.Body ?? "",
          ...(attributes ? { MessageAttributes: attributes } : {}),
        }),
      );
      await client.send(
        new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: message.ReceiptHandle ?? "" }),
      );
      moved++;
      const label = reasonLabel(message.MessageAttributes);
      reasons[label] = (reasons[label] ?? 0) + 1;
    }
  }
  return { moved, reasons };
};
