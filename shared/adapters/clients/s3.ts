import { S3Client } from "@aws-sdk/client-s3";
import { clientDefaults, perContainer } from "./container.ts";

// The local emulator serves buckets as paths of its one address.
export const s3 = perContainer(
  () =>
    new S3Client({
      ...clientDefaults(),
      ...(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {}),
    }),
);
