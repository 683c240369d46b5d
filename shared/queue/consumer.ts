import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { parser } from "@aws-lambda-powertools/batch/parser";
import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { z } from "zod";
import { errorKind } from "../observability.ts";

/**
 * The frame every queue consumer shares: Powertools' batch processor parses
 * each record's body with the message schema and reports partial batch
 * failures, so only the failed records come back (and, after
 * maxReceiveCount, go to the DLQ). Failures are logged by message id and
 * error class only.
 */
export const queueConsumer = <Schema extends z.ZodType>(
  { logger, metrics }: { logger: Logger; metrics: Metrics },
  schema: Schema,
  processMessage: (message: z.infer<Schema>, record: SQSRecord) => Promise<void>,
) => {
  const processor = new BatchProcessor(EventType.SQS, {
    parser,
    innerSchema: schema,
    transformer: "json",
    // The parser's debug line quotes schema messages; ours never carry values,
    // but the consumer keeps its own log lines to be sure.
    logger: { debug: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const recordHandler = async (record: SQSRecord) => {
    const parsed = record as unknown as SQSRecord & { body: z.infer<Schema> };
    const incidentId = parsed.messageAttributes?.incidentId?.stringValue;
    try {
      await processMessage(parsed.body, record);
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
      // Parse failures never reach the record handler: count them here by id.
      logger.warn("batch had failures", {
        failedMessageIds: response.batchItemFailures.map((failure) => failure.itemIdentifier),
      });
    }
    return response;
  })
    .use(injectLambdaContext(logger, { logEvent: false }))
    .use(logMetrics(metrics));
};
