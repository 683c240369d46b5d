import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";

export const METRICS_NAMESPACE = "SroIncidentPipeline";

/**
 * Log lines and metrics carry codes, ids and counts only: never a submitted
 * value. Handlers log through these and never print an event or an error object.
 */
export const observability = (serviceName: string) => ({
  logger: new Logger({ serviceName }),
  metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
});

/** What a log line may say about a thrown error: its class, never its message. */
export const errorKind = (thrown: unknown): string =>
  thrown instanceof Error ? thrown.name : typeof thrown;
