import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type * as z from "zod";
import { QUEUES, type QueueKey } from "../../resources/declarations.ts";
import { errorKind } from "../observability.ts";
import { type DeadLetterSender, failureReason } from "./dead-letter.ts";

/** A queue message whose body is not the message its queue carries. */
export class MalformedMessage extends Error {
  constructor() {
    super("The message body does not match the queue's message schema.");
    this.name = "MalformedMessage";
  }
}

/**
 * The frame every queue consumer shares: Powertools' batch processor runs
 * each record and reports partial batch failures, so only the failed
 * records come back. Failures are logged by message id and error class only.
 *
 * A record that fails on its last allowed receive is sent to the queue's
 * DLQ here, body unchanged, with the reason as message attributes (error
 * class and code, function, attempt count, time), and reported done so SQS
 * deletes it: SQS's own redrive would move it without a word of why. If
 * that send fails, the record fails as any other and SQS's redrive moves
 * it on the next receive, without a reason. A record whose invocation dies
 * or times out also reaches the DLQ that way.
 *
 * The body is parsed here with the message schema rather than through
 * Powertools' parser integration: that one brings zod's whole namespace,
 * every locale included (about 450 KB), into the bundle through its
 * built-in SQS schemas, for a check that is one safeParse.
 */
export const queueConsumer = <Schema extends z.ZodType>(
  {
    logger,
    metrics,
    queue,
    sendToDeadLetter,
  }: { logger: Logger; metrics: Metrics; queue: QueueKey; sendToDeadLetter: DeadLetterSender },
  schema: Schema,
  processMessage: (message: z.infer<Schema>, record: SQSRecord) => Promise<void>,
) => {
  const processor = new BatchProcessor(EventType.SQS);
  const parseBody = (body: string): z.infer<Schema> => {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new MalformedMessage();
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new MalformedMessage();
    return parsed.data;
  };
  const { maxReceiveCount, dlqEnvVar } = QUEUES[queue];
  /** Moves the record to the DLQ with its reason; false when that could not be done. */
  const deadLetter = async (record: SQSRecord, thrown: unknown, context: Context | undefined) => {
    const dlqUrl = process.env[dlqEnvVar];
    const functionName = context?.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? "unknown";
    const reason = failureReason(thrown, record, functionName);
    try {
      if (!dlqUrl) throw new Error("No DLQ URL configured");
      await sendToDeadLetter(dlqUrl, record, reason);
    } catch (sendFailure) {
      logger.error("could not move the message to the DLQ; SQS redrive will, without a reason", {
        messageId: record.messageId,
        cause: errorKind(sendFailure),
      });
      return false;
    }
    metrics.addMetric("MessagesDeadLettered", MetricUnit.Count, 1);
    logger.warn("message moved to the DLQ", {
      messageId: record.messageId,
      errorClass: reason.errorClass,
      errorCode: reason.errorCode,
      attemptCount: reason.attemptCount,
    });
    return true;
  };
  const recordHandler = async (record: SQSRecord, context?: Context) => {
    const incidentId = record.messageAttributes?.incidentId?.stringValue;
    try {
      await processMessage(parseBody(record.body), record);
    } catch (thrown) {
      const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? "1");
      logger.warn("message failed", {
        messageId: record.messageId,
        incidentId,
        receiveCount,
        cause: errorKind(thrown),
      });
      if (receiveCount >= maxReceiveCount && (await deadLetter(record, thrown, context))) return;
      throw thrown;
    }
  };
  // Event logging is off whatever POWERTOOLS_LOGGER_LOG_EVENT says: a
  // message body is a whole submitted event, and no setting may log one.
  return middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const response = await processPartialResponse(event, recordHandler, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
    const failed = response.batchItemFailures.length;
    metrics.addMetric("MessagesProcessed", MetricUnit.Count, event.Records.length - failed);
    if (failed > 0) {
      metrics.addMetric("MessagesFailed", MetricUnit.Count, failed);
      logger.warn("batch had failures", {
        failedMessageIds: response.batchItemFailures.map((failure) => failure.itemIdentifier),
      });
    }
    return response;
  })
    .use(injectLambdaContext(logger, { logEvent: false }))
    .use(logMetrics(metrics));
};
