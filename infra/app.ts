import { App, Aspects } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { AwsSolutionsChecks } from "cdk-nag";
import { DEFAULT_TIME_ZONE, isKnownTimeZone } from "../shared/time/zoned.ts";
import { PipelineStack } from "./pipeline-stack.ts";
import { DEFAULT_AUDIT_RETENTION_DAYS, MIN_AUDIT_RETENTION_DAYS } from "./resources.ts";
import { StatefulStack } from "./stateful-stack.ts";

/** Feature flags this app is written against, for the CLI and the tests alike. */
export const FEATURE_CONTEXT = {
  "@aws-cdk/core:defaultCrossStackReferences": "strong",
} as const;

/** Builds both stacks; context `districtId` prefixes their names so one account can hold several. */
export const buildApp = (app: App) => {
  const districtId = String(app.node.tryGetContext("districtId") ?? "district");
  if (!/^[A-Za-z][A-Za-z0-9-]{0,30}$/.test(districtId)) {
    throw new Error(
      "context districtId must be 1-31 letters, digits or hyphens, starting with a letter",
    );
  }
  const retentionDays = Number(app.node.tryGetContext("logRetentionDays") ?? 365);
  const logRetention = (Object.values(RetentionDays) as number[]).includes(retentionDays)
    ? (retentionDays as RetentionDays)
    : RetentionDays.ONE_YEAR;
  const timeZone = String(app.node.tryGetContext("timeZone") ?? DEFAULT_TIME_ZONE);
  if (!isKnownTimeZone(timeZone)) throw new Error("context timeZone must be an IANA time zone");
  const auditRetentionDays = Number(
    app.node.tryGetContext("auditRetentionDays") ?? DEFAULT_AUDIT_RETENTION_DAYS,
  );
  if (!Number.isInteger(auditRetentionDays) || auditRetentionDays < MIN_AUDIT_RETENTION_DAYS) {
    throw new Error(
      `context auditRetentionDays must be a whole number of at least ${MIN_AUDIT_RETENTION_DAYS}`,
    );
  }
  const env = {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  };
  const stateful = new StatefulStack(app, `${districtId}-SroData`, {
    env,
    description: "SRO incident pipeline: keys, tables and users (retained)",
    terminationProtection: true,
  });
  const pipeline = new PipelineStack(app, `${districtId}-SroPipeline`, {
    env,
    description: "SRO incident pipeline: API, functions, queues and alarms",
    tables: stateful.tables,
    pipelineKey: stateful.pipelineKey,
    queueKey: stateful.queueKey,
    studentKeySecret: stateful.studentKeySecret,
    timeZone,
    auditRetentionDays,
    userPool: stateful.userPool,
    formClient: stateful.formClient,
    logRetention,
  });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  return { stateful, pipeline };
};

if (process.env.SRO_CDK_NO_AUTO_SYNTH !== "1") {
  const app = new App({ context: FEATURE_CONTEXT });
  buildApp(app);
  app.synth();
}
