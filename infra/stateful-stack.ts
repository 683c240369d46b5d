import { Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import {
  AccountRecovery,
  CfnUserPoolGroup,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from "aws-cdk-lib/aws-cognito";
import { AttributeType, BillingMode, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { NagSuppressions } from "cdk-nag";
import type { Construct } from "constructs";
import {
  AUTH,
  REPORTS_BUCKET,
  TABLES,
  type TableDeclaration,
  type TableKey,
} from "../resources/declarations.ts";
import { ROLES } from "../shared/auth/claims.ts";

/**
 * Everything that holds data and must outlive any redeploy: keys, tables and
 * the user pool, all retained when the stack is deleted.
 */
export class StatefulStack extends Stack {
  /**
   * Protects identifying data at rest: the restricted table, and the intake
   * queue and its DLQ, which carry whole submitted events. One key, so every
   * use of identifying data shows up in one key's CloudTrail record.
   */
  readonly restrictedKey: Key;
  /** Protects the redaction queue and its DLQ: store and redact only. */
  readonly queueKey: Key;
  /** Protects the other tables, the student key and cursor secrets, and the alarm topic. */
  readonly pipelineKey: Key;
  readonly tables: Record<TableKey, Table>;
  readonly userPool: UserPool;
  readonly formClient: UserPoolClient;
  readonly studentKeySecret: Secret;
  /** Signs pagination cursors; held by the list functions, which must not hold the student key. */
  readonly cursorSecret: Secret;
  /** Report files (JSON, CSV, HTML): private, KMS, TLS-only, versioned, retained. */
  readonly reportFiles: Bucket;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.restrictedKey = new Key(this, "RestrictedDataKey", {
      description:
        "Encrypts identifying student data: the restricted incidents table and the intake queue and its DLQ",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.queueKey = new Key(this, "QueueKey", {
      description: "Encrypts the redaction queue and its DLQ",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.pipelineKey = new Key(this, "PipelineKey", {
      description: "Encrypts the non-restricted tables, the secrets and the alarm topic",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch alarms publish to the alarm topic, which this key encrypts.
    // Only this account's alarms: without the conditions, CloudWatch acting
    // for any account could use the key (the confused-deputy problem).
    this.pipelineKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
        conditions: {
          StringEquals: { "aws:SourceAccount": this.account },
          ArnLike: {
            "aws:SourceArn": `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*`,
          },
        },
      }),
    );

    const table = (declaration: TableDeclaration) =>
      new Table(this, declaration.id, {
        partitionKey: { name: declaration.partitionKey, type: AttributeType.STRING },
        ...(declaration.sortKey
          ? { sortKey: { name: declaration.sortKey, type: AttributeType.STRING } }
          : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        encryption: TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: declaration.restricted ? this.restrictedKey : this.pipelineKey,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
        ...(declaration.timeToLiveAttribute
          ? { timeToLiveAttribute: declaration.timeToLiveAttribute }
          : {}),
      });
    this.tables = Object.fromEntries(
      (Object.entries(TABLES) as Array<[TableKey, TableDeclaration]>).map(([key, declaration]) => {
        const created = table(declaration);
        for (const index of declaration.indexes ?? []) {
          created.addGlobalSecondaryIndex({
            indexName: index.name,
            partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
            sortKey: { name: index.sortKey, type: AttributeType.STRING },
          });
        }
        return [key, created];
      }),
    ) as Record<TableKey, Table>;

    const accessLogs = new Bucket(this, "ReportAccessLogs", {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(400) }],
    });
    NagSuppressions.addResourceSuppressions(accessLogs, [
      {
        id: "AwsSolutions-S1",
        reason:
          "This bucket receives the report bucket's access logs; logging it to itself would loop.",
      },
    ]);
    this.reportFiles = new Bucket(this, REPORTS_BUCKET.id, {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.pipelineKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: "report-files/",
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // The district secret behind student keys. Retained and never rotated:
    // a new secret would give every student a new key and break the report's
    // count of distinct students across incidents.
    this.studentKeySecret = this.hmacSecret("StudentKeySecret", {
      description: "HMAC key for pseudonymous student keys (never rotate: keys would change)",
      removalPolicy: RemovalPolicy.RETAIN,
      whyNotRotated:
        "Rotating the HMAC key would change every student's pseudonymous key and break counts of distinct students across periods.",
    });

    // Cursors are short-lived: a new key only makes outstanding cursors
    // invalid (a 400), and clients list again from the first page.
    this.cursorSecret = this.hmacSecret("CursorSigningSecret", {
      description: "HMAC key that signs pagination cursors (not the student key secret)",
      removalPolicy: RemovalPolicy.DESTROY,
      whyNotRotated:
        "Rotation needs a rotation function for a key that only signs pagination cursors; replacing the secret (a redeploy) rotates it, costing clients nothing but a fresh first page.",
    });

    this.userPool = new UserPool(this, "Users", {
      // Managed login (version 2), the web app's sign-in, needs Essentials at
      // least; Lite pools get only the classic hosted UI.
      featurePlan: FeaturePlan.ESSENTIALS,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      customAttributes: {
        [AUTH.schoolIdsAttribute]: new StringAttribute({ minLen: 0, maxLen: 2048, mutable: true }),
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of ROLES) {
      new CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: role,
        description: `Role ${role}: see the roles table in the README`,
      });
    }
    // The reporting form and dashboards are browser apps: a public client,
    // SRP sign-in, ID tokens that carry cognito:groups and custom:schoolIds.
    this.formClient = this.userPool.addClient("FormClient", {
      generateSecret: false,
      authFlows: { userSrp: true },
      // Users may not change their own role or schools: no custom attribute is writable.
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true }),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true })
        .withCustomAttributes(AUTH.schoolIdsAttribute),
      disableOAuth: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      preventUserExistenceErrors: true,
    });

    NagSuppressions.addResourceSuppressions(this.userPool, [
      {
        id: "AwsSolutions-COG8",
        reason:
          "The Plus feature plan (threat protection) is a per-user paid plan a district opts into; every user already needs MFA and a 14-character password.",
      },
    ]);
  }

  /** A generated HMAC key under the pipeline key; neither secret is rotated, each for its reason. */
  private hmacSecret(
    id: string,
    {
      description,
      removalPolicy,
      whyNotRotated,
    }: { description: string; removalPolicy: RemovalPolicy; whyNotRotated: string },
  ): Secret {
    const secret = new Secret(this, id, {
      description,
      encryptionKey: this.pipelineKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });
    NagSuppressions.addResourceSuppressions(secret, [
      { id: "AwsSolutions-SMG4", reason: whyNotRotated },
    ]);
    return secret;
  }
}
