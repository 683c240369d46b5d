import { GetObjectCommand, NoSuchKey, PutObjectCommand } from "@aws-sdk/client-s3";
import { REPORTS_BUCKET } from "../../resources/declarations.ts";
import { requireEnv } from "../config.ts";
import { s3 } from "./clients/s3.ts";

const bucket = () => requireEnv(REPORTS_BUCKET.envVar);

/**
 * Writes a new report file. Every run names its files afresh, so a write
 * never meets an object; `If-None-Match` makes S3 refuse one that would
 * replace a file already published.
 */
export const putReportFile = async (key: string, body: string, contentType: string) => {
  await s3().send(
    new PutObjectCommand({
      Bucket: bucket(),
      Key: key,
      Body: body,
      ContentType: contentType,
      IfNoneMatch: "*",
    }),
  );
};

export const getReportFile = async (key: string): Promise<string | undefined> => {
  try {
    const { Body } = await s3().send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
    return Body ? await Body.transformToString("utf-8") : undefined;
  } catch (thrown) {
    if (thrown instanceof NoSuchKey) return undefined;
    throw thrown;
  }
};
