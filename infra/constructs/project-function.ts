import { fileURLToPath } from "node:url";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Architecture, LoggingFormat, Runtime, Tracing } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import type { FunctionDeclaration, TableDeclaration } from "../../resources/declarations.ts";
import { METRICS_NAMESPACE } from "../../shared/observability.ts";
import { BUNDLE_TARGET, MAIN_FIELDS, REQUIRE_BANNER } from "./bundling.ts";

const projectRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface ProjectFunctionProps {
  declaration: FunctionDeclaration;
  logRetention: RetentionDays;
  environment?: Record<string, string>;
}

/**
 * A function with the project's defaults: Node.js 24 on arm64, bundled by
 * esbuild as minified ESM with the AWS SDK inside (not the runtime's copy),
 * X-Ray tracing, JSON logs and an explicit log group with retention.
 *
 * No source maps: with `--enable-source-maps` Node reads the map when it
 * loads the bundle, which `npm run bench` measures at about a fifth more
 * init time on every cold start, and the functions never log a stack
 * trace (only an error's class), so a map would decode nothing.
 */
export class ProjectFunction extends NodejsFunction {
  constructor(
    scope: Construct,
    id: string,
    { declaration, logRetention, environment }: ProjectFunctionProps,
  ) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    super(scope, id, {
      entry: `${projectRoot}functions/${declaration.entry}.ts`,
      handler: "handler",
      projectRoot,
      depsLockFilePath: `${projectRoot}package-lock.json`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: declaration.memoryMb,
      timeout: Duration.seconds(declaration.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        POWERTOOLS_SERVICE_NAME: declaration.entry,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...environment,
        // The handlers turn event logging off themselves; set last, so the
        // function's configuration says the same to anyone reading it.
        POWERTOOLS_LOGGER_LOG_EVENT: "false",
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        minify: true,
        sourceMap: false,
        mainFields: MAIN_FIELDS,
        externalModules: [],
        banner: REQUIRE_BANNER,
      },
    });
  }

  /**
   * Grants exactly these table actions, the key use they need (reads decrypt,
   * writes also encrypt), and sets the table's name variable, so grants and
   * configuration never drift apart.
   */
  useTable(
    table: ITable,
    declaration: TableDeclaration,
    actions: DynamoAction[],
    { indexesOnly = false }: { indexesOnly?: boolean } = {},
  ): this {
    // Explicit statements rather than table.grant(), which adds index/* for
    // every action on a table that has indexes: only Query reaches an index,
    // and only the declared ones.
    const queries = actions.includes("dynamodb:Query");
    this.addToRolePolicy(
      new PolicyStatement({
        actions,
        resources: [
          ...(indexesOnly ? [] : [table.tableArn]),
          ...(queries
            ? (declaration.indexes ?? []).map((index) => `${table.tableArn}/index/${index.name}`)
            : []),
        ],
      }),
    );
    const writes = actions.some((action) => WRITE_ACTIONS.has(action));
    table.encryptionKey?.grant(
      this,
      ...(writes ? ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"] : ["kms:Decrypt"]),
    );
    this.addEnvironment(declaration.envVar, table.tableName);
    return this;
  }
}

export type DynamoAction =
  | "dynamodb:BatchGetItem"
  | "dynamodb:ConditionCheckItem"
  | "dynamodb:GetItem"
  | "dynamodb:PutItem"
  | "dynamodb:Query"
  | "dynamodb:UpdateItem"
  | "dynamodb:DeleteItem"
  | "dynamodb:BatchWriteItem";

const WRITE_ACTIONS: ReadonlySet<DynamoAction> = new Set([
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
]);
