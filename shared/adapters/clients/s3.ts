import { S3Client } from "@aws-sdk/client-s3";
import { clientDefaults, onNewContainer } from "./container.ts";

let client: S3Client | undefined;
onNewContainer(() => {
  client?.destroy();
  client = undefined;
});

export const s3 = (): S3Client => {
  // The local emulator serves buckets as paths of its one address.
  client ??= new S3Client({
    ...clientDefaults(),
    ...(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {}),
  });
  return client;
};
