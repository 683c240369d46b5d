/**
 * Fixed local credentials and region: DynamoDB Local keeps one database file
 * per access key and region, so these must never change between runs.
 */
export const LOCAL_AWS_ENV = {
  AWS_REGION: "us-west-2",
  AWS_DEFAULT_REGION: "us-west-2",
  AWS_ACCESS_KEY_ID: "local",
  AWS_SECRET_ACCESS_KEY: "local",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  POWERTOOLS_METRICS_DISABLED: "true",
} as const;

export const applyLocalAwsEnv = (): void => {
  Object.assign(process.env, LOCAL_AWS_ENV);
};
