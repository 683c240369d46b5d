import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { json } from "#shared/http/responses.ts";
import { openApiDocument } from "#shared/incident/openapi.ts";

const document = openApiDocument();

/** GET /openapi.json: public, no token needed. */
export const handler = async (): Promise<APIGatewayProxyStructuredResultV2> => json(200, document);
