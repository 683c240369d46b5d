import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { TABLES } from "../../resources/declarations.ts";
import { requireEnv } from "../config.ts";
import type { DimensionName } from "../report/definitions.ts";
import type { Enrollment } from "../report/enrollment.ts";
import { dynamo } from "./clients/dynamo.ts";

const tableName = () => requireEnv(TABLES.enrollment.envVar);
const CONCURRENT_PUTS = 16;

export interface EnrollmentUpload {
  schoolYear: string;
  version: string;
  uploadedAt: string;
  uploadedBy: string;
}

/**
 * Stores a year's enrollment as a new version, one item per school, then
 * moves the year's pointer to it with one put: readers see the old upload or
 * the new one, never a mix.
 */
export const saveEnrollment = async (upload: EnrollmentUpload, enrollment: Enrollment) => {
  const schools = [...enrollment.entries()];
  for (let i = 0; i < schools.length; i += CONCURRENT_PUTS) {
    await Promise.all(
      schools.slice(i, i + CONCURRENT_PUTS).map(([schoolId, dimensions]) =>
        dynamo().send(
          new PutCommand({
            TableName: tableName(),
            Item: {
              pk: `${upload.schoolYear}#${upload.version}`,
              sk: schoolId,
              dimensions: Object.fromEntries(
                [...dimensions].map(([name, groups]) => [name, Object.fromEntries(groups)]),
              ),
            },
          }),
        ),
      ),
    );
  }
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: { pk: upload.schoolYear, sk: "current", ...upload, schools: schools.length },
    }),
  );
};

/** The current upload of a school year, or undefined when none was made. */
export const loadEnrollment = async (schoolYear: string): Promise<Enrollment | undefined> => {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName(),
      Key: { pk: schoolYear, sk: "current" },
      ConsistentRead: true,
    }),
  );
  if (!Item) return undefined;
  const enrollment: Enrollment = new Map();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": `${schoolYear}#${Item.version}` },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const school of page.Items ?? []) {
      const dimensions = school.dimensions as Record<string, Record<string, number>>;
      enrollment.set(
        String(school.sk),
        new Map(
          Object.entries(dimensions).map(([name, groups]) => [
            name as DimensionName,
            new Map(Object.entries(groups).map(([group, count]) => [group, Number(count)])),
          ]),
        ),
      );
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return enrollment;
};
