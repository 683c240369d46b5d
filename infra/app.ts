import { App, Aspects } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { AwsSolutionsChecks } from "cdk-nag";
import {
  DEFAULT_AUDIT_RETENTION_DAYS,
  DEFAULT_REPORT_SCHEDULE,
  MIN_AUDIT_RETENTION_DAYS,
} from "../resources/declarations.ts";
import { checkDistrictReportSettings, type DistrictReportSettings } from "../shared/report/api.ts";
import { ReportInputError } from "../shared/report/request.ts";
import { DEFAULT_TIME_ZONE, isKnownTimeZone } from "../shared/time/zoned.ts";
import { webAppSettings } from "./constructs/web-app.ts";
import { PipelineStack } from "./pipeline-stack.ts";

/**
 * The district's report parameters (context `report`: minCell, minN,
 * riskRatioThreshold, confidenceLevel, partition, routineDisciplineCategories,
 * publicationDelayDays),
 * checked by the same rules as an on-demand request, so a bad value fails the
 * synth, not a report. The district's zone is context `timeZone`.
 */
const districtSettings = (context: unknown, timeZone: string): DistrictReportSettings => {
  const given = typeof context === "string" ? JSON.parse(context) : context;
  try {
    const isObject = typeof given === "object" && given !== null && !Array.isArray(given);
    return checkDistrictReportSettings(
      isObject ? { ...given, timeZone } : (given ?? undefined),
      timeZone,
    );
  } catch (error) {
    if (error instanceof ReportInputError) {
      throw new Error(`context report: ${error.message} (${error.field})`);
    }
    throw error;
  }
};

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
  const reportSchedule = String(
    app.node.tryGetContext("reportSchedule") ?? DEFAULT_REPORT_SCHEDULE,
  );
  if (!/^cron\([^()]{9,100}\)$/.test(reportSchedule)) {
    throw new Error("context reportSchedule must be an EventBridge Scheduler cron(...) expression");
  }
  const reportSettings = districtSettings(app.node.tryGetContext("report"), timeZone);
  const web = webAppSettings((key) => app.node.tryGetContext(key), districtId);
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
    cursorSecret: stateful.cursorSecret,
    restrictedKey: stateful.restrictedKey,
    reportFiles: stateful.reportFiles,
    reportSchedule,
    reportSettings,
    ...(app.node.tryGetContext("alarmEmail")
      ? { alarmEmail: String(app.node.tryGetContext("alarmEmail")) }
      : {}),
    timeZone,
    auditRetentionDays,
    userPool: stateful.userPool,
    formClient: stateful.formClient,
    logRetention,
    web,
  });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  return { stateful, pipeline };
};

if (process.env.SRO_CDK_NO_AUTO_SYNTH !== "1") {
  const app = new App({ context: FEATURE_CONTEXT });
  buildApp(app);
  app.synth();
}
