import { Duration, Stack, type StackProps, TimeZone } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
} from "aws-cdk-lib/aws-apigatewayv2";
import { HttpJwtAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { Alarm, ComparisonOperator, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { UserPool, UserPoolClient } from "aws-cdk-lib/aws-cognito";
import type { Table } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import { Schedule, ScheduleExpression } from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { NagSuppressions } from "cdk-nag";
import type { Construct } from "constructs";
import {
  API_THROTTLE,
  FUNCTIONS,
  type FunctionKey,
  QUEUES,
  type QueueKey,
  REPORTS_BUCKET,
  ROUTES,
  SETTINGS,
  TABLES,
  type TableKey,
} from "../resources/declarations.ts";
import type { DistrictReportSettings } from "../shared/report/api.ts";
import { ProjectFunction } from "./constructs/project-function.ts";
import { QueueWithDlq } from "./constructs/queue-with-dlq.ts";
import { WebApp, type WebAppSettings } from "./constructs/web-app.ts";

export interface PipelineStackProps extends StackProps {
  tables: Record<TableKey, Table>;
  studentKeySecret: ISecret;
  cursorSecret: ISecret;
  reportFiles: IBucket;
  reportSchedule: string;
  reportSettings: DistrictReportSettings;
  /** Where alarms are e-mailed (CDK context `alarmEmail`); none without it. */
  alarmEmail?: string;
  timeZone: string;
  auditRetentionDays: number;
  pipelineKey: IKey;
  queueKey: IKey;
  restrictedKey: IKey;
  userPool: UserPool;
  formClient: UserPoolClient;
  logRetention: RetentionDays;
  /** The web app's domain, countries and WAF choices (infra/constructs/web-app.ts). */
  web: WebAppSettings;
}

/**
 * Everything stateless: the API, the functions, the queues between them and
 * the alarms. Redeploying or replacing this stack loses no stored data.
 */
export class PipelineStack extends Stack {
  readonly api: HttpApi;
  readonly functions: Record<FunctionKey, ProjectFunction>;
  readonly queues: Record<QueueKey, QueueWithDlq>;
  readonly web: WebApp;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { tables } = props;

    this.queues = {
      // The intake queue and its DLQ hold whole submitted events, identities
      // and all: the restricted table's key, whose every use is audited apart.
      intake: new QueueWithDlq(this, QUEUES.intake.id, {
        declaration: QUEUES.intake,
        key: props.restrictedKey,
      }),
      redaction: new QueueWithDlq(this, QUEUES.redaction.id, {
        declaration: QUEUES.redaction,
        key: props.queueKey,
      }),
    };

    const fn = (key: FunctionKey) =>
      new ProjectFunction(this, `${key[0]!.toUpperCase()}${key.slice(1)}Function`, {
        declaration: FUNCTIONS[key],
        logRetention: props.logRetention,
        environment: {
          [SETTINGS.timeZone]: props.timeZone,
          [SETTINGS.auditRetentionDays]: String(props.auditRetentionDays),
          [SETTINGS.reportDefaults]: JSON.stringify(props.reportSettings),
        },
      });
    // Every HTTP function appends to the audit log, and may do nothing else to it.
    const audited = (key: FunctionKey) =>
      fn(key).useTable(tables.audit, TABLES.audit, ["dynamodb:PutItem"]);

    const intake = audited("intake").useTable(tables.intakeReceipts, TABLES.intakeReceipts, [
      "dynamodb:PutItem",
    ]);
    this.sendsTo(intake, "intake");

    // Corrections and voids (contracts section 8): the correction's receipt
    // and the head's conditional update in one transaction, the head read,
    // and the intake queue. Like intake, nothing of the restricted table.
    const correctIncident = audited("correctIncident")
      .useTable(tables.correctionReceipts, TABLES.correctionReceipts, [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
      ])
      .useTable(tables.intakeReceipts, TABLES.intakeReceipts, [
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
      ]);
    this.sendsTo(correctIncident, "intake");

    // It reads back the version a void withdraws, to forward it with the void.
    const store = fn("store").useTable(tables.incidents, TABLES.incidents, [
      "dynamodb:PutItem",
      "dynamodb:GetItem",
    ]);
    this.sendsTo(store, "redaction");
    this.deadLettersFrom(store, "intake");
    store.addEventSource(
      new SqsEventSource(this.queues.intake.queue, {
        batchSize: QUEUES.intake.batchSize,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
      }),
    );

    const redact = fn("redact")
      .useTable(tables.redactedIncidents, TABLES.redactedIncidents, ["dynamodb:PutItem"])
      .useTable(tables.studentIncidents, TABLES.studentIncidents, ["dynamodb:PutItem"]);
    this.readsSecret(redact, props, props.studentKeySecret, SETTINGS.studentKeySecretArn);
    this.deadLettersFrom(redact, "redaction");
    redact.addEventSource(
      new SqsEventSource(this.queues.redaction.queue, {
        batchSize: QUEUES.redaction.batchSize,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
      }),
    );

    // The route's function serves admins and analysts from the redacted
    // table and holds nothing of the restricted one. The author's and the
    // custodian's reads go to a function of their own, which verifies the
    // caller's token against the user pool itself: the route's function can
    // only hand on a token it was given, so it cannot read identities.
    const tokenIssuer = `https://cognito-idp.${this.region}.amazonaws.com/${props.userPool.userPoolId}`;
    // It reads the head of an incident's version chain from its receipt and
    // the versions in one batch, and for the custodian's search a student's
    // partition of the student index, keyed with the student key secret.
    const readRestrictedIncident = audited("readRestrictedIncident")
      .useTable(tables.incidents, TABLES.incidents, ["dynamodb:BatchGetItem"])
      .useTable(tables.intakeReceipts, TABLES.intakeReceipts, ["dynamodb:GetItem"])
      .useTable(tables.studentIncidents, TABLES.studentIncidents, ["dynamodb:Query"]);
    this.readsSecret(
      readRestrictedIncident,
      props,
      props.studentKeySecret,
      SETTINGS.studentKeySecretArn,
    );
    this.signsCursors(readRestrictedIncident, props);
    readRestrictedIncident.addEnvironment(SETTINGS.tokenIssuer, tokenIssuer);
    readRestrictedIncident.addEnvironment(
      SETTINGS.tokenJwksUrl,
      `${tokenIssuer}/.well-known/jwks.json`,
    );
    const readIncident = audited("readIncident").useTable(
      tables.redactedIncidents,
      TABLES.redactedIncidents,
      ["dynamodb:GetItem"],
    );
    // The function itself, not its versions (grantInvoke would add `:*`).
    readIncident.addToRolePolicy(
      new PolicyStatement({
        actions: ["lambda:InvokeFunction"],
        resources: [readRestrictedIncident.functionArn],
      }),
    );
    readIncident.addEnvironment(
      SETTINGS.restrictedReadFunction,
      readRestrictedIncident.functionName,
    );
    const listIncidents = audited("listIncidents").useTable(
      tables.redactedIncidents,
      TABLES.redactedIncidents,
      ["dynamodb:Query"],
      { indexesOnly: true },
    );
    // "My reports": the officer index of the receipts, and nothing of the table itself.
    const listMyIncidents = audited("listMyIncidents").useTable(
      tables.intakeReceipts,
      TABLES.intakeReceipts,
      ["dynamodb:Query"],
      { indexesOnly: true },
    );
    const readAudit = audited("readAudit").useTable(tables.audit, TABLES.audit, ["dynamodb:Query"]);
    // Activities: the officer's conditional put, the author's delete (a read
    // to tell 404 from 403, then a conditional update), and the lists.
    const recordActivity = audited("recordActivity").useTable(
      tables.activities,
      TABLES.activities,
      ["dynamodb:PutItem"],
    );
    const deleteActivity = audited("deleteActivity").useTable(
      tables.activities,
      TABLES.activities,
      ["dynamodb:GetItem", "dynamodb:UpdateItem"],
    );
    const listActivities = audited("listActivities").useTable(
      tables.activities,
      TABLES.activities,
      ["dynamodb:Query"],
      { indexesOnly: true },
    );
    for (const lister of [listIncidents, listMyIncidents, readAudit, listActivities]) {
      this.signsCursors(lister, props);
    }
    const openapi = fn("openapi");

    const uploadEnrollment = audited("uploadEnrollment").useTable(
      tables.enrollment,
      TABLES.enrollment,
      ["dynamodb:PutItem"],
    );
    // Report runs read the period from the redacted table's indexes, the
    // activities' district index and the year's enrollment, and write files
    // and an index entry.
    const reportRunner = (key: FunctionKey) => {
      const runner = audited(key)
        .useTable(tables.redactedIncidents, TABLES.redactedIncidents, ["dynamodb:Query"], {
          indexesOnly: true,
        })
        .useTable(tables.enrollment, TABLES.enrollment, ["dynamodb:GetItem", "dynamodb:Query"])
        // The period's activities, district-wide: that one index, never the author's or a school's.
        .useTable(
          tables.activities,
          {
            ...TABLES.activities,
            indexes: TABLES.activities.indexes.filter((index) => index.name === "byDistrict"),
          },
          ["dynamodb:Query"],
          { indexesOnly: true },
        )
        .useTable(tables.reports, TABLES.reports, [
          "dynamodb:PutItem",
          "dynamodb:GetItem",
          // A public entry is written in a transaction that checks the year's other partitions.
          "dynamodb:ConditionCheckItem",
        ]);
      // GetObject: a public trend copies each period's published report.
      this.usesReportFiles(runner, props, ["s3:PutObject", "s3:GetObject"]);
      return runner;
    };
    const createReport = reportRunner("createReport");
    const scheduledReports = reportRunner("scheduledReports");
    const listReports = audited("listReports").useTable(
      tables.reports,
      TABLES.reports,
      ["dynamodb:Query"],
      {
        indexesOnly: true,
      },
    );
    this.signsCursors(listReports, props);
    const readReport = audited("readReport").useTable(tables.reports, TABLES.reports, [
      "dynamodb:GetItem",
    ]);
    this.usesReportFiles(readReport, props, ["s3:GetObject"]);
    // The analysts' export reads the district index of the redacted table, nothing else.
    const exportIncidents = audited("exportIncidents").useTable(
      tables.redactedIncidents,
      {
        ...TABLES.redactedIncidents,
        indexes: TABLES.redactedIncidents.indexes.filter((index) => index.name === "byDistrict"),
      },
      ["dynamodb:Query"],
      { indexesOnly: true },
    );

    new Schedule(this, "ReportSchedule", {
      description: "School-year-to-date reports, and public reports of ended periods",
      schedule: ScheduleExpression.expression(props.reportSchedule, TimeZone.of(props.timeZone)),
      target: new LambdaInvoke(scheduledReports, { retryAttempts: 2 }),
    });

    this.functions = {
      intake,
      correctIncident,
      store,
      redact,
      readIncident,
      readRestrictedIncident,
      listIncidents,
      listMyIncidents,
      readAudit,
      recordActivity,
      deleteActivity,
      listActivities,
      openapi,
      uploadEnrollment,
      createReport,
      scheduledReports,
      listReports,
      readReport,
      exportIncidents,
    };

    const accessLogs = new LogGroup(this, "ApiAccessLogs", { retention: props.logRetention });
    this.api = new HttpApi(this, "Api", {
      description: "SRO incident pipeline",
      createDefaultStage: false,
    });
    new HttpStage(this, "DefaultStage", {
      httpApi: this.api,
      stageName: "$default",
      autoDeploy: true,
      throttle: { ...API_THROTTLE },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // Request metadata only: never bodies, headers or query strings.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            routeKey: "$context.routeKey",
            status: "$context.status",
            sub: "$context.authorizer.claims.sub",
            latencyMs: "$context.responseLatency",
            time: "$context.requestTime",
          }),
        ),
      },
    });

    // The web app and the API share one CloudFront origin; its app client's
    // callback names the distribution, so the authorizer that must accept
    // that client's tokens is made after it, and every route names it.
    this.web = new WebApp(this, "WebApp", {
      settings: props.web,
      api: this.api,
      routes: ROUTES,
      userPool: props.userPool,
      tokenIssuer,
      timeZone: props.timeZone,
      logRetention: props.logRetention,
      accessLogDays: 400,
    });
    const audiences = [props.formClient.userPoolClientId, this.web.client.userPoolClientId];
    const authorizer = new HttpJwtAuthorizer("CognitoAuthorizer", tokenIssuer, {
      jwtAudience: audiences,
    });
    readRestrictedIncident.addEnvironment(SETTINGS.tokenAudience, audiences.join(","));

    for (const route of ROUTES) {
      const [added] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(
          `${route.function}-${route.method}`,
          this.functions[route.function],
        ),
        authorizer: route.public ? new HttpNoneAuthorizer() : authorizer,
      });
      if (route.public && added) {
        NagSuppressions.addResourceSuppressions(added, [
          {
            id: "AwsSolutions-APIG4",
            reason: "The API description is public by design; it holds no data.",
          },
        ]);
      }
    }

    this.alarms(props);

    NagSuppressions.addStackSuppressions(this, [
      {
        id: "AwsSolutions-IAM4",
        reason:
          "AWSLambdaBasicExecutionRole is the managed policy for writing a function's own logs; everything else is granted per resource.",
        appliesTo: [
          "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        ],
      },
      {
        id: "AwsSolutions-IAM5",
        reason:
          "X-Ray's PutTraceSegments and PutTelemetryRecords take no resource ARN; the KMS action families are what SQS and DynamoDB need on one named key.",
        appliesTo: ["Resource::*", "Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*"],
      },
      {
        id: "AwsSolutions-IAM5",
        reason:
          "Report files get generated names under reports/; the prefix is the narrowest resource. The scheduler may invoke any version of the one report function.",
        appliesTo: [
          { regex: "/^Resource::.*ReportFiles.*\\/reports\\/\\*$/" },
          { regex: "/^Resource::<ScheduledReportsFunction[A-Z0-9]+\\.Arn>:\\*$/" },
        ],
      },
    ]);
  }

  /**
   * Every alarm goes to one encrypted, TLS-only SNS topic: DLQ depth and
   * message age per queue, errors and throttles per function, API 5xx.
   */
  private alarms(props: PipelineStackProps) {
    const topic = new Topic(this, "Alarms", {
      displayName: "SRO incident pipeline alarms",
      masterKey: props.pipelineKey,
      enforceSSL: true,
    });
    if (props.alarmEmail) topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(topic);
    const alarms: Alarm[] = Object.values(this.queues).flatMap((queue) => [
      queue.dlqAlarm,
      queue.ageAlarm,
    ]);
    for (const [key, fn] of Object.entries(this.functions)) {
      const name = `${key[0]!.toUpperCase()}${key.slice(1)}`;
      alarms.push(
        new Alarm(this, `${name}ErrorsAlarm`, {
          alarmDescription: `${key} failed: see its log group and docs/operations.md`,
          metric: fn.metricErrors({ period: Duration.minutes(5), statistic: "Sum" }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        new Alarm(this, `${name}ThrottlesAlarm`, {
          alarmDescription: `${key} was throttled: raise its concurrency or the account limit`,
          metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: "Sum" }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    alarms.push(
      new Alarm(this, "Api5xxAlarm", {
        alarmDescription: "The API answered 5xx: storage or a function failed",
        metric: this.api.metricServerError({ period: Duration.minutes(5), statistic: "Sum" }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    for (const alarm of alarms) alarm.addAlarmAction(action);
  }

  /** Object access under reports/ only, and the key use it needs; granted on the role, not the bucket. */
  private usesReportFiles(fn: ProjectFunction, props: PipelineStackProps, actions: string[]) {
    fn.addToRolePolicy(
      new PolicyStatement({ actions, resources: [props.reportFiles.arnForObjects("reports/*")] }),
    );
    if (actions.includes("s3:PutObject")) props.pipelineKey.grantEncrypt(fn);
    else props.pipelineKey.grantDecrypt(fn);
    fn.addEnvironment(REPORTS_BUCKET.envVar, props.reportFiles.bucketName);
  }

  /** The cursor key and nothing else of Secrets Manager: list functions never see the student key. */
  private signsCursors(fn: ProjectFunction, props: PipelineStackProps) {
    this.readsSecret(fn, props, props.cursorSecret, SETTINGS.cursorSecretArn);
  }

  /**
   * One secret, its key's decrypt, and its ARN in the function's settings.
   * Granted on the function's role: Secret.grantRead would edit the key
   * policy in the data stack and tie the two stacks in a cycle.
   */
  private readsSecret(
    fn: ProjectFunction,
    props: PipelineStackProps,
    secret: ISecret,
    setting: string,
  ) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ["secretsmanager:GetSecretValue"],
        resources: [secret.secretArn],
      }),
    );
    props.pipelineKey.grantDecrypt(fn);
    fn.addEnvironment(setting, secret.secretArn);
  }

  /**
   * Sending only, and the key use SQS needs for it (a data key, and decrypting
   * it again), valid only in requests SQS makes: grantSendMessages would give
   * the key's every use, which for the intake queue is the restricted key.
   */
  private sendsTo(fn: ProjectFunction, queue: QueueKey) {
    const target = this.queues[queue].queue;
    target.grant(fn, "sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl");
    this.usesKeyThroughSqs(fn, target.encryptionMasterKey!);
    fn.addEnvironment(QUEUES[queue].envVar, target.queueUrl);
  }

  /**
   * The consumer of a queue moves a message that failed its last attempt to
   * that queue's DLQ itself, with the reason attached: SendMessage on that
   * one DLQ, and nothing that reads from it.
   */
  private deadLettersFrom(fn: ProjectFunction, queue: QueueKey) {
    const dlq = this.queues[queue].deadLetterQueue;
    dlq.grant(fn, "sqs:SendMessage");
    this.usesKeyThroughSqs(fn, dlq.encryptionMasterKey!);
    fn.addEnvironment(QUEUES[queue].dlqEnvVar, dlq.queueUrl);
  }

  private usesKeyThroughSqs(fn: ProjectFunction, key: IKey) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: [key.keyArn],
        conditions: { StringEquals: { "kms:ViaService": `sqs.${this.region}.amazonaws.com` } },
      }),
    );
  }
}
