import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Invokes one function as Lambda would, resolving to its result or rejecting with its error. */
export type LocalInvoke = (event: unknown) => Promise<unknown>;

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
export const JWKS_PATH = "/.well-known/jwks.json";
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

const readBody = (request: IncomingMessage) =>
  new Promise<Buffer | undefined>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
    });
    request.on("end", () => resolve(size > MAX_PAYLOAD_BYTES ? undefined : Buffer.concat(chunks)));
    request.on("error", reject);
  });

const reply = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
};

/**
 * What functions reach in AWS besides the data services: the Lambda Invoke
 * API (synchronous invocations, as @aws-sdk/client-lambda sends them with
 * AWS_ENDPOINT_URL_LAMBDA pointing here) and the token issuer's published
 * keys. Functions call both exactly as deployed ones do.
 */
export const startInternalEndpoints = async (options: {
  functions: Record<string, LocalInvoke>;
  jwks: () => unknown;
  onError?: (error: unknown) => void;
}): Promise<{ url: string; jwksUrl: string; stop(): Promise<void> }> => {
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const { pathname } = new URL(request.url ?? "/", "http://localhost");
    const body = await readBody(request);
    if (request.method === "GET" && pathname === JWKS_PATH) {
      return reply(response, 200, options.jwks());
    }
    const name = INVOKE_PATH.exec(pathname)?.[1];
    const invoke = name === undefined ? undefined : options.functions[decodeURIComponent(name)];
    if (request.method !== "POST" || !invoke) {
      return reply(
        response,
        404,
        { Type: "User", message: "Function not found" },
        { "x-amzn-errortype": "ResourceNotFoundException" },
      );
    }
    if (body === undefined) {
      return reply(
        response,
        413,
        { Type: "User", message: "Request payload too large" },
        { "x-amzn-errortype": "RequestTooLargeException" },
      );
    }
    let event: unknown;
    try {
      event = body.byteLength === 0 ? {} : JSON.parse(body.toString("utf8"));
    } catch {
      return reply(
        response,
        400,
        { Type: "User", message: "Could not parse request body into json" },
        { "x-amzn-errortype": "InvalidRequestContentException" },
      );
    }
    try {
      const result = await invoke(event);
      reply(response, 200, result ?? null, { "x-amz-executed-version": "$LATEST" });
    } catch (error) {
      options.onError?.(error);
      // As Lambda reports a handler's failure: a 200 with X-Amz-Function-Error,
      // naming the error's class only.
      reply(
        response,
        200,
        { errorType: error instanceof Error ? error.name : "Error", errorMessage: "failed" },
        { "x-amz-function-error": "Unhandled", "x-amz-executed-version": "$LATEST" },
      );
    }
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      options.onError?.(error);
      if (!response.headersSent) reply(response, 500, { message: "internal error" });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    jwksUrl: `${url}${JWKS_PATH}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
