import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { LOCAL_AWS_ENV } from "./env.ts";

/**
 * The emulator keeps S3 objects in memory; report files are mirrored to the
 * data folder (every few seconds and at stop) and put back at start.
 */
export const localS3Client = (endpoint: string) =>
  new S3Client({
    endpoint,
    forcePathStyle: true,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: {
      accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY,
    },
  });

const filesUnder = (folder: string): string[] =>
  existsSync(folder)
    ? readdirSync(folder).flatMap((name) => {
        const path = join(folder, name);
        return statSync(path).isDirectory() ? filesUnder(path) : [path];
      })
    : [];

export const restoreReportFiles = async (client: S3Client, bucket: string, folder: string) => {
  const files = filesUnder(folder);
  for (const file of files) {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: relative(folder, file),
        Body: readFileSync(file),
      }),
    );
  }
  return files.length;
};

/** Writes every object not mirrored yet (report files are written once, never changed). */
export const mirrorReportFiles = async (client: S3Client, bucket: string, folder: string) => {
  let token: string | undefined;
  let written = 0;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? "";
      const target = join(folder, key);
      if (!key || key.includes("..") || existsSync(target)) continue;
      const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(`${target}.tmp`, await Body!.transformToByteArray(), { mode: 0o600 });
      rmSync(target, { force: true });
      writeFileSync(target, readFileSync(`${target}.tmp`), { mode: 0o600 });
      rmSync(`${target}.tmp`);
      written++;
    }
    token = page.NextContinuationToken;
  } while (token);
  return written;
};
