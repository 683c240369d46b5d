import type { MessageAttributeValue } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { errorKind } from "../observability.ts";

/**
 * The message attributes a consumer adds when it moves a message to its DLQ
 * itself. One prefix, so that redrive can drop them all and a message that
 * fails again is explained by its new failure, not an old one.
 */
export const FAILURE_ATTRIBUTE_PREFIX = "failure.";
export const FAILURE_ATTRIBUTES = {
  errorClass: `${FAILURE_ATTRIBUTE_PREFIX}errorClass`,
  errorCode: `${FAILURE_ATTRIBUTE_PREFIX}errorCode`,
  function: `${FAILURE_ATTRIBUTE_PREFIX}function`,
  attemptCount: `${FAILURE_ATTRIBUTE_PREFIX}attemptCount`,
  failedAt: `${FAILURE_ATTRIBUTE_PREFIX}failedAt`,
} as const;

/**
 * Class names and codes are chosen by code, not by a submitter, but an
 * error's `code` can come from anywhere (a library, a thrown object): only
 * something shaped like an identifier is written, so no sentence, path or
 * value can ride along.
 */
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * Sends a record's body, unchanged, to a dead-letter queue with the reason
 * attached: SQS's own redrive moves a message as it is, so a reason can
 * only be added by the consumer that saw the failure.
 */
export type DeadLetterSender = (
  dlqUrl: string,
  record: SQSRecord,
  reason: FailureReason,
) => Promise<void>;

export interface FailureReason {
  errorClass: string;
  errorCode?: string;
  functionName: string;
  attemptCount: number;
  failedAt: string;
}

/** Why a record failed, from the error alone: never its message, which may quote the input. */
export const failureReason = (
  thrown: unknown,
  record: SQSRecord,
  functionName: string,
  now: Date = new Date(),
): FailureReason => {
  const kind = errorKind(thrown);
  const code =
    thrown !== null && typeof thrown === "object" && "code" in thrown
      ? (thrown as { code: unknown }).code
      : undefined;
  return {
    errorClass: IDENTIFIER.test(kind) ? kind : "Error",
    ...(typeof code === "string" && IDENTIFIER.test(code) ? { errorCode: code } : {}),
    functionName,
    attemptCount: Number(record.attributes?.ApproximateReceiveCount ?? "1"),
    failedAt: now.toISOString(),
  };
};

const text = (value: string): MessageAttributeValue => ({ DataType: "String", StringValue: value });

/** The record's own attributes (its incident key, for tracing) and the reason. */
export const attributesFor = (
  record: SQSRecord,
  reason: FailureReason,
): Record<string, MessageAttributeValue> => {
  const own: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
    if (name.startsWith(FAILURE_ATTRIBUTE_PREFIX) || value.stringValue === undefined) continue;
    own[name] = { DataType: value.dataType, StringValue: value.stringValue };
  }
  return {
    ...own,
    [FAILURE_ATTRIBUTES.errorClass]: text(reason.errorClass),
    ...(reason.errorCode ? { [FAILURE_ATTRIBUTES.errorCode]: text(reason.errorCode) } : {}),
    [FAILURE_ATTRIBUTES.function]: text(reason.functionName),
    [FAILURE_ATTRIBUTES.attemptCount]: {
      DataType: "Number",
      StringValue: String(reason.attemptCount),
    },
    [FAILURE_ATTRIBUTES.failedAt]: text(reason.failedAt),
  };
};

/** Counts by reason, for redrive's report: class and function only, never a body. */
export const reasonLabel = (
  attributes: Record<string, MessageAttributeValue> | undefined,
): string => {
  const errorClass = attributes?.[FAILURE_ATTRIBUTES.errorClass]?.StringValue;
  if (!errorClass) return "no reason attached (moved by SQS)";
  const code = attributes?.[FAILURE_ATTRIBUTES.errorCode]?.StringValue;
  const fn = attributes?.[FAILURE_ATTRIBUTES.function]?.StringValue ?? "unknown function";
  return `${fn}: ${errorClass}${code ? ` (${code})` : ""}`;
};
