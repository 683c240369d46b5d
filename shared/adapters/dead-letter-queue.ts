import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { attributesFor, type DeadLetterSender } from "../queue/dead-letter.ts";
import { sqs } from "./clients/sqs.ts";

/** The consumer's own move to its DLQ, with the reason as message attributes. */
export const sendToDeadLetterQueue: DeadLetterSender = async (dlqUrl, record, reason) => {
  await sqs().send(
    new SendMessageCommand({
      QueueUrl: dlqUrl,
      MessageBody: record.body,
      MessageAttributes: attributesFor(record, reason),
    }),
  );
};
