import { NodeHttpHandler } from "@smithy/node-http-handler";

/**
 * One client per container, created on first use, in a module of its own
 * per service: a function's bundle holds only the clients it calls.
 * Endpoints come from the SDK's own AWS_ENDPOINT_URL_* variables, which the
 * local stack sets.
 */
const resets: Array<() => void> = [];

/** A client created on first use and dropped with its container. */
export const perContainer = <Client extends { destroy(): void }>(create: () => Client) => {
  let client: Client | undefined;
  resets.push(() => {
    client?.destroy();
    client = undefined;
  });
  return (): Client => {
    client ??= create();
    return client;
  };
};

/** Drops the cached clients, so the next use reads the endpoints again (a new container). */
export const resetClients = (): void => {
  for (const reset of resets) reset();
};

/**
 * Bounded waits: a slow service must end in a 503 the client can retry, well
 * before the function's own timeout turns it into the gateway's 5xx.
 */
export const clientDefaults = () => ({
  maxAttempts: 3,
  requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 2500 }),
});
