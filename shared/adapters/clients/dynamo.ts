import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { clientDefaults, onNewContainer } from "./container.ts";

let client: DynamoDBDocumentClient | undefined;
onNewContainer(() => {
  client?.destroy();
  client = undefined;
});

export const dynamo = (): DynamoDBDocumentClient => {
  client ??= DynamoDBDocumentClient.from(new DynamoDBClient(clientDefaults()), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return client;
};
