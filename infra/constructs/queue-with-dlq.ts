import { Duration } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { type QueueDeclaration, visibilityTimeoutSeconds } from "../../resources/declarations.ts";

/**
 * A KMS-encrypted, TLS-only queue with its dead-letter queue and an alarm
 * that fires as soon as anything lands in the DLQ.
 */
export class QueueWithDlq extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly dlqAlarm: Alarm;
  /** The oldest message waiting longer than a consumer should ever take. */
  readonly ageAlarm: Alarm;

  constructor(scope: Construct, id: string, props: { declaration: QueueDeclaration; key: IKey }) {
    super(scope, id);
    const { declaration, key } = props;
    this.deadLetterQueue = new Queue(this, "Dlq", {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(declaration.dlqRetentionDays),
    });
    this.queue = new Queue(this, "Queue", {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(declaration)),
      // As long as the DLQ: a message whose consumer is down must not expire first.
      retentionPeriod: Duration.days(declaration.dlqRetentionDays),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: declaration.maxReceiveCount,
      },
    });
    this.dlqAlarm = new Alarm(this, "DlqDepthAlarm", {
      alarmDescription: `Messages in the ${declaration.id} dead-letter queue: see docs/operations.md`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: "Maximum",
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.ageAlarm = new Alarm(this, "MessageAgeAlarm", {
      alarmDescription: `Messages waiting in ${declaration.id} for over 15 minutes: its consumer is failing or stopped`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: "Maximum",
      }),
      threshold: 15 * 60,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
