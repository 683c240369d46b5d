import { readFileSync } from "node:fs";
import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import { SETTINGS } from "../../resources/declarations.ts";

/**
 * The district secret behind student keys. In AWS it is a Secrets Manager
 * secret created by the stack (fetched once, cached by Powertools); locally,
 * a file the local stack generates in its data folder.
 */
export const studentKeySecret = async (): Promise<string> => {
  const arn = process.env[SETTINGS.studentKeySecretArn];
  const value = arn
    ? await getSecret(arn, { maxAge: 3600 })
    : readLocalSecret(process.env[SETTINGS.studentKeySecretFile]);
  if (typeof value !== "string" || value.length < 32) {
    throw new Error("The student key secret is missing or too short");
  }
  return value;
};

const readLocalSecret = (file: string | undefined) => {
  if (!file)
    throw new Error(
      `Missing configuration: ${SETTINGS.studentKeySecretArn} or ${SETTINGS.studentKeySecretFile}`,
    );
  return readFileSync(file, "utf8").trim();
};
