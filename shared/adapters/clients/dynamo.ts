import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { clientDefaults, perContainer } from "./container.ts";

export const dynamo = perContainer(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient(clientDefaults()), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);
