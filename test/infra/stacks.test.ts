import { App } from "aws-cdk-lib";
import { Annotations, Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import {
  FUNCTIONS,
  QUEUES,
  SETTINGS,
  TABLES,
  visibilityTimeoutSeconds,
} from "../../resources/declarations.ts";

process.env.SRO_CDK_NO_AUTO_SYNTH = "1";
const { buildApp, FEATURE_CONTEXT } = await import("../../infra/app.ts");

let stateful: Template;
let pipeline: Template;
let nagFindings: string[];

beforeAll(() => {
  const app = new App({
    context: { ...FEATURE_CONTEXT, "aws:cdk:bundling-stacks": [] },
  });
  const stacks = buildApp(app);
  stateful = Template.fromStack(stacks.stateful);
  pipeline = Template.fromStack(stacks.pipeline);
  nagFindings = [stacks.stateful, stacks.pipeline].flatMap((stack) =>
    [
      ...Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")),
      ...Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*")),
    ].map((finding) => `${finding.id}: ${String(finding.entry.data).slice(0, 120)}`),
  );
});

type Resource = { Properties: Record<string, unknown> };
const FUNCTION_NAMES = Object.keys(FUNCTIONS).map(
  (key) => `${key[0]!.toUpperCase()}${key.slice(1)}`,
);
const resources = (template: Template, type: string) =>
  Object.values(template.findResources(type)) as Resource[];
/** The project's functions: CDK's own handler that uploads the web app (Python) is not one. */
const projectFunctions = (template: Template) =>
  Object.entries(template.findResources("AWS::Lambda::Function"))
    .filter(([logicalId]) => !logicalId.startsWith("CustomCDKBucketDeployment"))
    .map(([, fn]) => fn as Resource);

describe("cdk-nag AwsSolutions", () => {
  it("has no unsuppressed findings", () => {
    expect(nagFindings).toEqual([]);
  });
});

type Statement = { Action: string | string[]; Effect: string; Resource: unknown };
const policyStatements = (template: Template, rolePrefix: string): Statement[] =>
  Object.entries(template.findResources("AWS::IAM::Policy"))
    .filter(([logicalId]) => logicalId.startsWith(rolePrefix))
    .flatMap(
      ([, policy]) => (policy as Resource).Properties.PolicyDocument as { Statement: Statement[] },
    )
    .flatMap((document) => document.Statement);
const actionsOf = (statements: Statement[]) =>
  statements.flatMap((statement) => [statement.Action].flat());
const tableLogicalId = (template: Template, id: string) =>
  Object.keys(template.findResources("AWS::DynamoDB::Table")).find((logicalId) =>
    logicalId.startsWith(id),
  )!;

describe("stateful stack", () => {
  it("declares every table with a customer-managed key, PITR, deletion protection and RETAIN", () => {
    const tables = stateful.findResources("AWS::DynamoDB::Table");
    expect(Object.keys(tables)).toHaveLength(Object.keys(TABLES).length);
    for (const table of Object.values(tables) as Array<
      Resource & { DeletionPolicy: string; UpdateReplacePolicy: string }
    >) {
      expect(table.DeletionPolicy).toBe("Retain");
      expect(table.UpdateReplacePolicy).toBe("Retain");
      expect(table.Properties).toMatchObject({
        BillingMode: "PAY_PER_REQUEST",
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: "KMS" },
      });
    }
  });

  it("gives the restricted incidents table a key of its own", () => {
    const keys = stateful.findResources("AWS::KMS::Key");
    const restrictedKey = Object.keys(keys).find((id) => id.startsWith("RestrictedDataKey"))!;
    const tables = stateful.findResources("AWS::DynamoDB::Table");
    const keyOf = (id: string) =>
      JSON.stringify(
        (tables[tableLogicalId(stateful, id)] as Resource).Properties.SSESpecification,
      );
    expect(keyOf(TABLES.incidents.id)).toContain(restrictedKey);
    expect(keyOf(TABLES.intakeReceipts.id)).not.toContain(restrictedKey);
    const pipelineKey = Object.keys(keys).find((id) => id.startsWith("PipelineKey"))!;
    expect(keyOf(TABLES.activities.id)).toContain(pipelineKey);
    for (const key of resources(stateful, "AWS::KMS::Key")) {
      expect(key.Properties.EnableKeyRotation).toBe(true);
    }
  });

  it("has a user pool with one group per role, a schoolIds attribute and required MFA", () => {
    stateful.hasResourceProperties("AWS::Cognito::UserPool", {
      MfaConfiguration: "ON",
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Schema: Match.arrayWith([Match.objectLike({ Name: "schoolIds", Mutable: true })]),
    });
    const groups = resources(stateful, "AWS::Cognito::UserPoolGroup").map(
      (group) => group.Properties.GroupName,
    );
    expect(groups.sort()).toEqual(
      ["board", "district_analyst", "records_custodian", "school_admin", "sro"].sort(),
    );
  });
});

describe("pipeline stack", () => {
  it("gives every queue a DLQ after 5 receives, KMS encryption and a visibility timeout of 6x its consumer", () => {
    const queues = pipeline.findResources("AWS::SQS::Queue");
    const withRedrive = Object.entries(queues).filter(
      ([, queue]) => (queue as Resource).Properties.RedrivePolicy,
    );
    expect(withRedrive).toHaveLength(Object.keys(QUEUES).length);
    for (const [, queue] of withRedrive) {
      const properties = (queue as Resource).Properties;
      expect(properties.RedrivePolicy).toMatchObject({ maxReceiveCount: 5 });
      expect(properties.VisibilityTimeout).toBe(visibilityTimeoutSeconds(QUEUES.intake));
    }
    for (const queue of Object.values(queues) as Resource[]) {
      expect(queue.Properties.KmsMasterKeyId).toBeDefined();
    }
    const store = resources(pipeline, "AWS::Lambda::Function").find((fn) =>
      JSON.stringify(fn.Properties.Environment).includes("REDACTION_QUEUE_URL"),
    )!;
    expect(visibilityTimeoutSeconds(QUEUES.intake)).toBeGreaterThanOrEqual(
      6 * (store.Properties.Timeout as number),
    );
  });

  it("refuses any queue access without TLS", () => {
    const policies = resources(pipeline, "AWS::SQS::QueuePolicy");
    expect(policies.length).toBeGreaterThanOrEqual(Object.keys(QUEUES).length * 2);
    for (const policy of policies) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain(
        '"aws:SecureTransport":"false"',
      );
    }
  });

  it("alarms on every dead-letter queue's depth", () => {
    const alarms = resources(pipeline, "AWS::CloudWatch::Alarm").filter(
      (alarm) => alarm.Properties.MetricName === "ApproximateNumberOfMessagesVisible",
    );
    expect(alarms).toHaveLength(Object.keys(QUEUES).length);
  });

  it("runs every function on Node.js 22 or newer, arm64, with a log group kept for a year", () => {
    const functions = projectFunctions(pipeline);
    expect(functions.length).toBe(Object.keys(FUNCTIONS).length);
    for (const fn of functions) {
      expect(
        Number(/^nodejs(\d+)\.x$/.exec(String(fn.Properties.Runtime))?.[1]),
      ).toBeGreaterThanOrEqual(22);
      expect(fn.Properties.Architectures).toEqual(["arm64"]);
      expect(fn.Properties.LoggingConfig).toMatchObject({ LogFormat: "JSON" });
      // Source maps cost init time on every cold start and decode nothing we log.
      const variables = (fn.Properties.Environment as { Variables?: Record<string, string> })
        ?.Variables;
      expect(variables?.NODE_OPTIONS ?? "").not.toContain("enable-source-maps");
    }
    for (const group of resources(pipeline, "AWS::Logs::LogGroup")) {
      expect(group.Properties.RetentionInDays).toBe(365);
    }
  });

  it("consumes the intake queue with partial batch failures", () => {
    pipeline.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      BatchSize: QUEUES.intake.batchSize,
    });
  });

  it("authorises every route but the API description with the Cognito JWT authorizer", () => {
    pipeline.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
      AuthorizerType: "JWT",
      JwtConfiguration: Match.objectLike({ Issuer: Match.anyValue(), Audience: Match.anyValue() }),
    });
    const routes = resources(pipeline, "AWS::ApiGatewayV2::Route");
    for (const route of routes) {
      const publicRoute = route.Properties.RouteKey === "GET /openapi.json";
      expect(route.Properties.AuthorizationType).toBe(publicRoute ? "NONE" : "JWT");
    }
    expect(routes.map((route) => route.Properties.RouteKey).sort()).toEqual(
      [
        "GET /activities",
        "POST /activities",
        "DELETE /activities/{activityId}",
        "GET /audit",
        "GET /incidents",
        "GET /incidents/{incidentId}",
        "GET /incidents/{incidentId}/versions",
        "GET /me/incidents",
        "GET /custodian/incidents",
        "GET /exports/incidents",
        "POST /incidents/{incidentId}/corrections",
        "GET /openapi.json",
        "GET /reports",
        "GET /reports/{reportId}",
        "POST /incidents",
        "POST /reports",
        "PUT /enrollment/{schoolYear}",
      ].sort(),
    );
  });

  /** `Table:action` for every DynamoDB grant in a function's policy. */
  const tableGrants = (prefix: string) =>
    [
      ...new Set(
        policyStatements(pipeline, prefix).flatMap((statement) => {
          const resource = JSON.stringify(statement.Resource);
          const tables = Object.values(TABLES)
            .map((table) => table.id)
            .filter((id) => resource.includes(`FnGetAtt${id}`));
          return [statement.Action]
            .flat()
            .filter((action) => action.startsWith("dynamodb:"))
            .flatMap((action) => tables.map((id) => `${id}:${action.slice(9)}`));
        }),
      ),
    ].sort();

  it("grants each function only the table actions it uses", () => {
    expect(tableGrants("IntakeFunction")).toEqual(["AuditLog:PutItem", "IntakeReceipts:PutItem"]);
    expect(tableGrants("StoreFunction")).toEqual(["Incidents:GetItem", "Incidents:PutItem"]);
    expect(tableGrants("RedactFunction")).toEqual([
      "RedactedIncidents:PutItem",
      "StudentIncidents:PutItem",
    ]);
    expect(tableGrants("CorrectIncidentFunction")).toEqual([
      "AuditLog:PutItem",
      "CorrectionReceipts:GetItem",
      "CorrectionReceipts:PutItem",
      "IntakeReceipts:GetItem",
      "IntakeReceipts:UpdateItem",
    ]);
    expect(tableGrants("ReadIncidentFunction")).toEqual([
      "AuditLog:PutItem",
      "RedactedIncidents:GetItem",
    ]);
    // The head from the receipt, the versions in one batch, a student's partition for the search.
    expect(tableGrants("ReadRestrictedIncidentFunction")).toEqual([
      "AuditLog:PutItem",
      "Incidents:BatchGetItem",
      "IntakeReceipts:GetItem",
      "StudentIncidents:Query",
    ]);
    expect(tableGrants("ListMyIncidentsFunction")).toEqual([
      "AuditLog:PutItem",
      "IntakeReceipts:Query",
    ]);
    expect(tableGrants("ExportIncidentsFunction")).toEqual([
      "AuditLog:PutItem",
      "RedactedIncidents:Query",
    ]);
    expect(tableGrants("ListIncidentsFunction")).toEqual([
      "AuditLog:PutItem",
      "RedactedIncidents:Query",
    ]);
    expect(tableGrants("ReadAuditFunction")).toEqual(["AuditLog:PutItem", "AuditLog:Query"]);
    expect(tableGrants("OpenapiFunction")).toEqual([]);
    expect(tableGrants("RecordActivityFunction")).toEqual([
      "Activities:PutItem",
      "AuditLog:PutItem",
    ]);
    expect(tableGrants("DeleteActivityFunction")).toEqual([
      "Activities:GetItem",
      "Activities:UpdateItem",
      "AuditLog:PutItem",
    ]);
    expect(tableGrants("ListActivitiesFunction")).toEqual(["Activities:Query", "AuditLog:PutItem"]);
  });

  it("lets the activity delete update its own table only, and the activity lists query indexes only", () => {
    const updates = policyStatements(pipeline, "DeleteActivityFunction").filter((statement) =>
      [statement.Action].flat().includes("dynamodb:UpdateItem"),
    );
    expect(updates).toHaveLength(1);
    expect(JSON.stringify(updates[0]!.Resource)).toContain(`FnGetAtt${TABLES.activities.id}`);
    expect(JSON.stringify(updates[0]!.Resource)).not.toContain("/index/");
    const queries = policyStatements(pipeline, "ListActivitiesFunction").filter((statement) =>
      [statement.Action].flat().includes("dynamodb:Query"),
    );
    const text = JSON.stringify(queries.map((statement) => statement.Resource));
    for (const index of TABLES.activities.indexes) expect(text).toContain(`/index/${index.name}`);
    for (const statement of queries) {
      for (const resource of [statement.Resource].flat()) {
        expect(JSON.stringify(resource)).toContain("/index/");
      }
    }
  });

  it("lets no function update, delete or batch-write anything, the audit log above all", () => {
    // The exceptions, asserted elsewhere: the activity delete marks its own
    // table's item, the correction moves the head on the intake receipt.
    const all = Object.keys(pipeline.findResources("AWS::IAM::Policy"))
      .filter((logicalId) => !logicalId.startsWith("DeleteActivityFunction"))
      .filter((logicalId) => !logicalId.startsWith("CorrectIncidentFunction"))
      .flatMap((logicalId) => actionsOf(policyStatements(pipeline, logicalId)));
    // Wildcards count: an action pattern that could match a forbidden action is refused too.
    const matches = (pattern: string, action: string) =>
      new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(
        action,
      );
    for (const forbidden of [
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
      "dynamodb:BatchWriteItem",
      "dynamodb:PartiQLUpdate",
      "dynamodb:PartiQLDelete",
      "dynamodb:DeleteTable",
      "dynamodb:UpdateTimeToLive",
    ]) {
      expect(all.filter((action) => matches(action, forbidden))).toEqual([]);
    }
  });

  /** `Properties` of the pipeline's resources of a type whose logical ids start with `prefix`. */
  const propertiesOf = (type: string, prefix: string) =>
    Object.entries(pipeline.findResources(type))
      .filter(([logicalId]) => logicalId.startsWith(prefix))
      .map(([, resource]) => (resource as Resource).Properties);

  it("encrypts the intake queue and its DLQ with the restricted key, the redaction queue with its own", () => {
    const intake = propertiesOf("AWS::SQS::Queue", QUEUES.intake.id);
    const redaction = propertiesOf("AWS::SQS::Queue", QUEUES.redaction.id);
    expect(intake).toHaveLength(2);
    expect(redaction).toHaveLength(2);
    for (const queue of intake) {
      expect(JSON.stringify(queue.KmsMasterKeyId)).toContain("RestrictedDataKey");
    }
    for (const queue of redaction) {
      expect(JSON.stringify(queue.KmsMasterKeyId)).toContain("QueueKey");
    }
    const holders = FUNCTION_NAMES.filter((name) =>
      JSON.stringify(policyStatements(pipeline, `${name}Function`)).includes("QueueKey"),
    );
    expect(holders.sort()).toEqual(["Redact", "Store"]);
  });

  it("keeps each DLQ, and the queue before it, for its declared retention", () => {
    for (const declaration of Object.values(QUEUES)) {
      const queues = propertiesOf("AWS::SQS::Queue", declaration.id);
      for (const queue of queues) {
        expect(queue.MessageRetentionPeriod).toBe(declaration.dlqRetentionDays * 86_400);
      }
    }
    expect(QUEUES.intake.dlqRetentionDays).toBe(14);
    const dlqIds = Object.keys(pipeline.findResources("AWS::SQS::Queue")).filter((id) =>
      /Dlq[A-F0-9]{8}$/.test(id),
    );
    expect(dlqIds).toHaveLength(Object.keys(QUEUES).length);
  });

  it("lets only a queue's consumer send to that queue's DLQ, and nothing read from any DLQ", () => {
    const dlqId = (queue: { id: string }) =>
      Object.keys(pipeline.findResources("AWS::SQS::Queue")).find((id) =>
        new RegExp(`^${queue.id}Dlq[A-F0-9]{8}$`).test(id),
      )!;
    const consumers = Object.entries(FUNCTIONS).filter(
      ([, declaration]) => "consumes" in declaration,
    );
    expect(consumers.map(([key]) => key).sort()).toEqual(["redact", "store"]);
    for (const [key, declaration] of consumers) {
      const queue = QUEUES[(declaration as { consumes: keyof typeof QUEUES }).consumes];
      const id = dlqId(queue);
      const naming = (prefix: string) =>
        policyStatements(pipeline, prefix).filter((statement) =>
          JSON.stringify(statement.Resource).includes(id),
        );
      // Named by its consumer's policy only, for sending only.
      const holders = FUNCTION_NAMES.filter((name) => naming(`${name}Function`).length > 0);
      expect(holders).toEqual([`${key[0]!.toUpperCase()}${key.slice(1)}`]);
      expect(actionsOf(naming(""))).toEqual(["sqs:SendMessage"]);
      // Told where it is through its own variable, and the other consumers are not.
      const withUrl = resources(pipeline, "AWS::Lambda::Function").filter((fn) =>
        JSON.stringify(
          (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables[
            queue.dlqEnvVar
          ] ?? "",
        ).includes(id),
      );
      expect(withUrl).toHaveLength(1);
    }
    // No queue policy opens a DLQ to anyone: they only refuse requests without TLS.
    for (const policy of resources(pipeline, "AWS::SQS::QueuePolicy")) {
      for (const statement of (policy.Properties.PolicyDocument as { Statement: Statement[] })
        .Statement) {
        expect(statement.Effect).toBe("Deny");
      }
    }
    const everyAction = actionsOf(policyStatements(pipeline, ""));
    const reads = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"];
    const dlqStatements = policyStatements(pipeline, "").filter((statement) =>
      Object.values(QUEUES).some((queue) =>
        JSON.stringify(statement.Resource).includes(dlqId(queue)),
      ),
    );
    for (const action of actionsOf(dlqStatements)) expect(reads).not.toContain(action);
    expect(everyAction.filter((action) => action === "sqs:*")).toEqual([]);
  });

  it("lets CloudWatch use the pipeline key for this account's alarms only", () => {
    const [pipelineKey] = Object.entries(stateful.findResources("AWS::KMS::Key")).filter(([id]) =>
      id.startsWith("PipelineKey"),
    );
    const statements = (
      (pipelineKey![1] as Resource).Properties.KeyPolicy as {
        Statement: Array<Statement & { Principal: unknown; Condition?: Record<string, unknown> }>;
      }
    ).Statement;
    const cloudwatch = statements.filter((statement) =>
      JSON.stringify(statement.Principal).includes("cloudwatch.amazonaws.com"),
    );
    expect(cloudwatch).toHaveLength(1);
    expect(cloudwatch[0]!.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
      ArnLike: { "aws:SourceArn": expect.anything() },
    });
    expect(JSON.stringify(cloudwatch[0]!.Condition!.ArnLike)).toContain(":alarm:*");
    const [topic] = resources(pipeline, "AWS::SNS::Topic");
    expect(JSON.stringify(topic!.Properties.KmsMasterKeyId)).toContain("PipelineKey");
  });

  it("configures every function with Powertools event logging off", () => {
    for (const fn of projectFunctions(pipeline)) {
      expect(
        (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables
          .POWERTOOLS_LOGGER_LOG_EVENT,
      ).toBe("false");
    }
  });

  it("lets the list function query the indexes of the redacted table, not the table", () => {
    const queries = policyStatements(pipeline, "ListIncidentsFunction").filter((statement) =>
      [statement.Action].flat().includes("dynamodb:Query"),
    );
    const resourcesText = JSON.stringify(queries.map((statement) => statement.Resource));
    expect(resourcesText).toContain("/index/bySchool");
    expect(resourcesText).toContain("/index/byDistrict");
    for (const statement of queries) {
      for (const resource of [statement.Resource].flat()) {
        expect(JSON.stringify(resource)).toContain("/index/");
      }
    }
  });

  it("keeps audit entries for at least a year through DynamoDB TTL", () => {
    const audit = stateful.findResources("AWS::DynamoDB::Table")[
      tableLogicalId(stateful, TABLES.audit.id)
    ] as Resource;
    expect(audit.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: "expiresAt",
      Enabled: true,
    });
    const days = projectFunctions(pipeline).map((fn) =>
      Number(
        (fn.Properties.Environment as { Variables: Record<string, string> }).Variables
          .AUDIT_RETENTION_DAYS,
      ),
    );
    for (const value of days) expect(value).toBeGreaterThanOrEqual(365);
  });

  it("lets only the store and the author/custodian read function near the restricted table", () => {
    const incidentsTable = tableLogicalId(stateful, TABLES.incidents.id);
    const near = (text: string) =>
      FUNCTION_NAMES.filter((name) =>
        JSON.stringify(policyStatements(pipeline, `${name}Function`)).includes(text),
      ).sort();
    expect(near(incidentsTable)).toEqual(["ReadRestrictedIncident", "Store"]);
    // The intake holds the key only to send to its queue (next test).
    expect(near("RestrictedDataKey")).toEqual([
      "CorrectIncident",
      "Intake",
      "ReadRestrictedIncident",
      "Store",
    ]);
  });

  it("gives the function that serves admins and analysts no way to identities", () => {
    const statements = policyStatements(pipeline, "ReadIncidentFunction");
    const text = JSON.stringify(statements);
    expect(text).not.toContain(tableLogicalId(stateful, TABLES.incidents.id));
    expect(text).not.toContain("RestrictedDataKey");
    expect(text).not.toContain("secretsmanager:");
    expect(text).not.toContain("sqs:");
    // Its one way to the restricted table: invoking the function that checks
    // the caller's token itself, by name, with no version wildcard.
    const invokes = statements.filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith("lambda:")),
    );
    expect(invokes).toHaveLength(1);
    expect(actionsOf(invokes)).toEqual(["lambda:InvokeFunction"]);
    const restrictedId = Object.keys(pipeline.findResources("AWS::Lambda::Function")).find((id) =>
      id.startsWith("ReadRestrictedIncidentFunction"),
    )!;
    expect(invokes[0]!.Resource).toEqual({ "Fn::GetAtt": [restrictedId, "Arn"] });
    const holders = FUNCTION_NAMES.filter((name) =>
      JSON.stringify(policyStatements(pipeline, `${name}Function`)).includes(restrictedId),
    );
    expect(holders).toEqual(["ReadIncident"]);
    // No route and no resource policy reach it: it is invoked by that role only.
    for (const permission of resources(pipeline, "AWS::Lambda::Permission")) {
      expect(JSON.stringify(permission.Properties.FunctionName)).not.toContain(restrictedId);
    }
  });

  it("has the restricted read verify tokens against the pool the API's authorizer trusts", () => {
    const authorizer = resources(pipeline, "AWS::ApiGatewayV2::Authorizer")[0]!;
    const { Issuer, Audience } = authorizer.Properties.JwtConfiguration as {
      Issuer: unknown;
      Audience: unknown[];
    };
    const restricted = resources(pipeline, "AWS::Lambda::Function").find((fn) =>
      JSON.stringify(fn.Properties.Environment).includes(SETTINGS.tokenJwksUrl),
    )!;
    const variables = (restricted.Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(variables[SETTINGS.tokenIssuer]).toEqual(Issuer);
    // The form's client and the web app's, in the same order, comma-separated.
    expect(Audience).toHaveLength(2);
    expect(variables[SETTINGS.tokenAudience]).toEqual({
      "Fn::Join": ["", [Audience[0], ",", Audience[1]]],
    });
    const webClient = Object.keys(pipeline.findResources("AWS::Cognito::UserPoolClient"))[0]!;
    expect(Audience[1]).toEqual({ Ref: webClient });
    expect(JSON.stringify(variables[SETTINGS.tokenJwksUrl])).toContain("/.well-known/jwks.json");
    expect(variables[TABLES.incidents.envVar]).toBeDefined();
  });

  /** Functions that may read a secret whose logical id starts with `secretId`. */
  const secretReaders = (secretId: string) =>
    FUNCTION_NAMES.filter((name) =>
      policyStatements(pipeline, `${name}Function`).some(
        (statement) =>
          actionsOf([statement]).includes("secretsmanager:GetSecretValue") &&
          JSON.stringify(statement.Resource).includes(secretId),
      ),
    );

  it("gives the student key secret to the redact function and the custodian's search only", () => {
    expect(secretReaders("StudentKeySecret").sort()).toEqual(["ReadRestrictedIncident", "Redact"]);
    const anyReader = FUNCTION_NAMES.filter((name) =>
      actionsOf(policyStatements(pipeline, `${name}Function`)).includes(
        "secretsmanager:GetSecretValue",
      ),
    );
    // Every secret grant names one of the two secrets: no wildcard reaches the student key.
    expect(anyReader.sort()).toEqual(
      [
        ...new Set([...secretReaders("StudentKeySecret"), ...secretReaders("CursorSigningSecret")]),
      ].sort(),
    );
  });

  it("gives the cursor signing secret to the list functions only, with its name", () => {
    expect(secretReaders("CursorSigningSecret").sort()).toEqual(
      [
        "ListIncidents",
        "ListMyIncidents",
        "ListReports",
        "ReadAudit",
        "ListActivities",
        "ReadRestrictedIncident",
      ].sort(),
    );
    const variables = resources(pipeline, "AWS::Lambda::Function")
      .map((fn) => (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables)
      .filter((names) => SETTINGS.cursorSecretArn in names);
    expect(variables).toHaveLength(6);
    for (const names of variables) {
      expect(JSON.stringify(names[SETTINGS.cursorSecretArn])).toContain("CursorSigningSecret");
    }
    stateful.hasResourceProperties("AWS::SecretsManager::Secret", {
      KmsKeyId: Match.anyValue(),
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });

  it("lets users change neither their role nor their schools", () => {
    const client = resources(stateful, "AWS::Cognito::UserPoolClient")[0]!;
    expect(client.Properties.WriteAttributes).toEqual(["email"]);
    expect(client.Properties.AllowedOAuthFlowsUserPoolClient).not.toBe(true);
  });

  it.each(["IntakeFunction", "CorrectIncidentFunction"])(
    "keeps %s away from the restricted table, with the key only through SQS",
    (name) => {
      const statements = policyStatements(pipeline, name);
      const incidentsTable = tableLogicalId(stateful, TABLES.incidents.id);
      expect(JSON.stringify(statements)).not.toContain(incidentsTable);
      const keyUse = statements.filter((statement) =>
        JSON.stringify(statement.Resource).includes("RestrictedDataKey"),
      );
      expect(keyUse).toEqual([
        {
          Effect: "Allow",
          Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          Resource: expect.anything(),
          Condition: {
            StringEquals: {
              "kms:ViaService": {
                "Fn::Join": ["", ["sqs.", { Ref: "AWS::Region" }, ".amazonaws.com"]],
              },
            },
          },
        },
      ]);
      // The same check finds the grant where there is one.
      expect(JSON.stringify(policyStatements(pipeline, "StoreFunction"))).toContain(incidentsTable);
    },
  );

  it("uses a wildcard resource only for X-Ray, which has no resource ARNs", () => {
    const statements = policyStatements(pipeline, "");
    for (const statement of statements.filter((candidate) => candidate.Resource === "*")) {
      for (const action of [statement.Action].flat()) expect(action).toMatch(/^xray:/);
    }
  });

  it("keeps report files private, encrypted, TLS-only and versioned", () => {
    const buckets = resources(stateful, "AWS::S3::Bucket");
    const files = buckets.find((bucket) => JSON.stringify(bucket.Properties).includes("aws:kms"))!;
    expect(files.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: "Enabled" },
    });
    for (const policy of resources(stateful, "AWS::S3::BucketPolicy")) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain(
        '"aws:SecureTransport":"false"',
      );
    }
  });

  it("runs the report schedule in the district's time zone", () => {
    pipeline.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "cron(0 6 1 * ? *)",
      ScheduleExpressionTimezone: "America/Los_Angeles",
    });
  });

  it("gives the report functions exactly the table access they use", () => {
    const runner = [
      "Activities:Query",
      "AuditLog:PutItem",
      "Enrollment:GetItem",
      "Enrollment:Query",
      "RedactedIncidents:Query",
      "Reports:ConditionCheckItem",
      "Reports:GetItem",
      "Reports:PutItem",
    ];
    expect(tableGrants("CreateReportFunction")).toEqual(runner);
    expect(tableGrants("ScheduledReportsFunction")).toEqual(runner);
    for (const prefix of ["CreateReportFunction", "ScheduledReportsFunction"]) {
      const activityQueries = policyStatements(pipeline, prefix).filter((statement) =>
        JSON.stringify(statement.Resource).includes(`FnGetAtt${TABLES.activities.id}`),
      );
      expect(activityQueries.map((statement) => [statement.Action].flat())).toEqual([
        ["dynamodb:Query"],
      ]);
      const resources = [activityQueries[0]!.Resource]
        .flat()
        .map((resource) => JSON.stringify(resource));
      expect(resources).toHaveLength(1);
      expect(resources[0]).toContain("/index/byDistrict");
    }
    expect(tableGrants("ListReportsFunction")).toEqual(["AuditLog:PutItem", "Reports:Query"]);
    expect(tableGrants("ReadReportFunction")).toEqual(["AuditLog:PutItem", "Reports:GetItem"]);
    expect(tableGrants("UploadEnrollmentFunction")).toEqual([
      "AuditLog:PutItem",
      "Enrollment:PutItem",
    ]);
  });

  it("sends every alarm to one encrypted topic: DLQ depth and age, function errors and throttles, API 5xx", () => {
    const alarms = resources(pipeline, "AWS::CloudWatch::Alarm");
    const metrics = alarms.map((alarm) => alarm.Properties.MetricName);
    const functionCount = Object.keys(FUNCTIONS).length;
    expect(metrics.filter((name) => name === "Errors")).toHaveLength(functionCount);
    expect(metrics.filter((name) => name === "Throttles")).toHaveLength(functionCount);
    expect(metrics.filter((name) => name === "ApproximateAgeOfOldestMessage")).toHaveLength(
      Object.keys(QUEUES).length,
    );
    expect(metrics).toContain("5xx");
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
    pipeline.hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: Match.anyValue() });
    pipeline.resourceCountIs("AWS::SNS::Subscription", 0);
  });
});

describe("alarm e-mail", () => {
  it("subscribes the address given as context alarmEmail", () => {
    const app = new App({
      context: {
        ...FEATURE_CONTEXT,
        "aws:cdk:bundling-stacks": [],
        alarmEmail: "ops@district.example",
      },
    });
    const template = Template.fromStack(buildApp(app).pipeline);
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@district.example",
    });
  });
});

describe("report settings (context report)", () => {
  const reportDefaults = (template: Template) =>
    resources(template, "AWS::Lambda::Function")
      .map(
        (fn) =>
          (fn.Properties.Environment as { Variables?: Record<string, string> } | undefined)
            ?.Variables?.[SETTINGS.reportDefaults],
      )
      .filter((value): value is string => value !== undefined)
      .map((value) => JSON.parse(value));

  it("gives every function the district's settings, with a 30-day publication delay by default", () => {
    const settings = reportDefaults(pipeline);
    expect(settings.length).toBe(Object.keys(FUNCTIONS).length);
    expect(settings[0]).toEqual({
      timeZone: "America/Los_Angeles",
      partition: "year",
      minCell: 10,
      minN: 30,
      riskRatioThreshold: 2,
      confidenceLevel: 0.95,
      routineDisciplineCategories: ["disruption", "bullying_or_harassment"],
      publicationDelayDays: 30,
      persistenceYears: 3,
    });
  });

  it.each([
    { publicationDelayDays: -1 },
    { publicationDelayDays: 181 },
    { publicationDelayDays: 7.5 },
    { publicationDelayDays: "30" },
    { minCell: 0 },
    { partition: "month" },
    { persistenceYears: 4 },
  ])("refuses %j at synth", (report) => {
    const app = new App({
      context: { ...FEATURE_CONTEXT, "aws:cdk:bundling-stacks": [], report },
    });
    expect(() => buildApp(app)).toThrow(/^context report: /);
  });
});
