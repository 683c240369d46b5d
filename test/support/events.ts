import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { QUEUES, TABLES } from "../../resources/declarations.ts";

/** Resource variables for handler unit tests; the names are never reached (clients are mocked). */
export const INTAKE_RECEIPTS_ENV = {
  AWS_REGION: "us-west-2",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  [TABLES.intakeReceipts.envVar]: "receipts",
  [TABLES.incidents.envVar]: "incidents",
  [QUEUES.intake.envVar]: "https://sqs.us-west-2.amazonaws.com/000000000000/intake",
  [QUEUES.redaction.envVar]: "https://sqs.us-west-2.amazonaws.com/000000000000/redaction",
  POWERTOOLS_METRICS_DISABLED: "true",
};

/** An API Gateway HTTP API (payload 2.0) event as the JWT authorizer hands it on. */
export const lambdaEvent = ({
  body,
  claims,
  contentType = "application/json",
}: {
  body: string;
  claims: Record<string, string>;
  contentType?: string;
}): APIGatewayProxyEventV2WithJWTAuthorizer =>
  ({
    version: "2.0",
    routeKey: "POST /incidents",
    rawPath: "/incidents",
    rawQueryString: "",
    headers: { "content-type": contentType },
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: "000000000000",
      apiId: "test",
      domainName: "test",
      domainPrefix: "test",
      http: {
        method: "POST",
        path: "/incidents",
        protocol: "HTTP/1.1",
        sourceIp: "127.0.0.1",
        userAgent: "t",
      },
      requestId: "req-1",
      routeKey: "POST /incidents",
      stage: "$default",
      time: "",
      timeEpoch: 0,
      authorizer: { principalId: "", integrationLatency: 0, jwt: { claims, scopes: [] } },
    },
  }) as APIGatewayProxyEventV2WithJWTAuthorizer;
