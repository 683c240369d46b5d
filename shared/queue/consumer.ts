import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type * as z from "zod";
import { errorKind } from "../observability.ts";

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
 * records come back (and, after maxReceiveCount, go to the DLQ). Failures
 * are logged by message id and error class only.
 *
 * The body is parsed here with the message schema rather than through
 * Powertools' parser integration: that one brings zod's whole namespace,
 * every locale included (about 450 KB), into the bundle through its
 * built-in SQS schemas, for a check that is one safeParse.
 */
export const queueConsumer = <Schema extends z.ZodType>(
  { logger, metrics }: { logger: Logger; metrics: Metrics },
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
  const recordHandler = async (record: SQSRecord) => {
    const incidentId = record.messageAttributes?.incidentId?.stringValue;
    try {
      await processMessage(parseBody(record.body), record);
    } catch (thrown) {
      logger.warn("message failed", {
        messageId: record.messageId,
        incidentId,
        receiveCount: record.attributes?.ApproximateReceiveCount,
        cause: errorKind(thrown),
      });
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
