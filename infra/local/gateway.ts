import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import type { FunctionDeclaration, RouteDeclaration } from "../../resources/declarations.ts";
import { ApiError } from "../../shared/http/errors.ts";
import { GATEWAY_BODIES, type GatewayStatus } from "../../shared/http/gateway-bodies.ts";
import type { DevIssuer } from "./dev-issuer.ts";
import { invokeWithTimeout, lambdaContext } from "./lambda-context.ts";

export type HttpHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface GatewayRoute {
  route: RouteDeclaration;
  functionName: string;
  declaration: FunctionDeclaration;
  handler: HttpHandler;
}

/** API Gateway HTTP APIs refuse larger payloads before any function runs. */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_HEADER_BYTES = 16 * 1024;
const MAX_INTEGRATION_TIMEOUT_SECONDS = 30;

class IntegrationTimeout extends Error {
  override name = "IntegrationTimeout";
}

const compile = (path: string) => {
  const names: string[] = [];
  const pattern = path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { regex: new RegExp(`^${pattern}$`), names };
};

const send = (
  response: ServerResponse,
  result: APIGatewayProxyStructuredResultV2,
  requestId: string,
) => {
  const headers: Record<string, string> = { "apigw-requestid": requestId };
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  const body =
    result.body === undefined
      ? ""
      : result.isBase64Encoded
        ? Buffer.from(result.body, "base64")
        : result.body;
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(body);
};

/** What API Gateway answers itself, with its own body rather than the contract's. */
const gatewayResult = (status: GatewayStatus): APIGatewayProxyStructuredResultV2 => ({
  statusCode: status,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(GATEWAY_BODIES[status]),
});

/** The stage throttle as a token bucket: `burstLimit` at once, refilled at `rateLimit` a second. */
const tokenBucket = ({ rateLimit, burstLimit }: { rateLimit: number; burstLimit: number }) => {
  let tokens = burstLimit;
  let last = performance.now();
  return () => {
    const now = performance.now();
    tokens = Math.min(burstLimit, tokens + ((now - last) / 1000) * rateLimit);
    last = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
};

const errorResult = (error: ApiError): APIGatewayProxyStructuredResultV2 => ({
  statusCode: error.status,
  headers: { "content-type": "application/json; charset=utf-8" },
  body: JSON.stringify(error.toBody()),
});

/** API Gateway hands list claims to functions as `[a b]` strings, and every claim as a string. */
const flattenClaims = (payload: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [
      name,
      Array.isArray(value)
        ? `[${value.join(" ")}]`
        : typeof value === "string"
          ? value
          : JSON.stringify(value),
    ]),
  );

const readBody = (request: IncomingMessage): Promise<Buffer | "too_large"> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on("data", (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > GATEWAY_MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on("end", () => resolve(tooLarge ? "too_large" : Buffer.concat(chunks)));
    request.on("error", reject);
  });

/** A malformed escape reaches the function as sent, to be refused there. */
const safeDecode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

const isUtf8Text = (body: Buffer) => {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
};

/**
 * A local API Gateway (HTTP API, payload format 2.0) with a JWT authorizer:
 * turns each request into the event the deployed API would send, with the
 * verified token's claims, and writes the function's result back.
 */
export const startGateway = async (options: {
  port: number;
  routes: GatewayRoute[];
  issuer: DevIssuer;
  health: () => Promise<{ healthy: boolean; body: unknown }>;
  /** How long the API waits for a function; HTTP APIs allow at most 30 seconds. */
  integrationTimeoutSeconds?: number;
  /**
   * The stage throttle (API_THROTTLE is the deployed one). Off unless given:
   * the fault campaign and the benchmarks drive the local API harder than
   * the deployed limits, on purpose.
   */
  throttle?: { rateLimit: number; burstLimit: number };
  /** The web app's files (CloudFront in AWS): asked first, it answers only the app's paths. */
  web?: (request: {
    method: string;
    path: string;
    body: Buffer;
    contentType: string;
  }) => Promise<
    { status: number; headers: Record<string, string>; body: Buffer | string } | undefined
  >;
  onError?: (error: unknown) => void;
}): Promise<{ url: string; server: Server; stop(): Promise<void> }> => {
  const integrationTimeoutMs =
    (options.integrationTimeoutSeconds ?? MAX_INTEGRATION_TIMEOUT_SECONDS) * 1000;
  const admit = options.throttle ? tokenBucket(options.throttle) : () => true;
  const compiled = options.routes.map((entry) => ({ ...entry, ...compile(entry.route.path) }));

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const requestId = randomUUID();
    const url = new URL(request.url ?? "/", "http://localhost");
    const method = (request.method ?? "GET").toUpperCase();
    const body = await readBody(request);

    const webAnswer =
      options.web && body !== "too_large"
        ? await options.web({
            method,
            path: url.pathname,
            body,
            contentType: request.headers["content-type"] ?? "",
          })
        : undefined;
    if (webAnswer) {
      response.writeHead(webAnswer.status, webAnswer.headers);
      response.end(method === "HEAD" ? undefined : webAnswer.body);
      return;
    }

    if (url.pathname === "/health" && method === "GET") {
      const { healthy, body: status } = await options.health();
      send(
        response,
        {
          statusCode: healthy ? 200 : 503,
          headers: { "content-type": "application/json" },
          body: JSON.stringify(status),
        },
        requestId,
      );
      return;
    }
    if (!admit()) {
      send(response, gatewayResult(429), requestId);
      return;
    }
    const pathMatches = compiled
      .map((entry) => ({ entry, match: entry.regex.exec(url.pathname) }))
      .filter((candidate) => candidate.match !== null);
    const found = pathMatches.find((candidate) => candidate.entry.route.method === method);
    if (!found) {
      const error =
        pathMatches.length > 0
          ? new ApiError("METHOD_NOT_ALLOWED", "This method is not allowed on this path.")
          : new ApiError("NOT_FOUND", "No such route.");
      send(response, errorResult(error), requestId);
      return;
    }
    if (body === "too_large") {
      send(
        response,
        errorResult(new ApiError("PAYLOAD_TOO_LARGE", "The body is larger than 256 KiB.")),
        requestId,
      );
      return;
    }
    const { entry, match } = found;

    let claims: Record<string, string> | undefined;
    if (!entry.route.public) {
      const authorization = request.headers.authorization ?? "";
      const token = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(authorization.trim())?.[1];
      const payload = token ? await options.issuer.verify(token) : undefined;
      if (!payload) {
        // The JWT authorizer's own answer, which an HTTP API cannot change.
        send(response, gatewayResult(401), requestId);
        return;
      }
      claims = flattenClaims(payload as Record<string, unknown>);
    }

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined)
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
    }
    const pathParameters = Object.fromEntries(
      entry.names.map((name, index) => [name, safeDecode(match![index + 1] ?? "")]),
    );
    const now = new Date();
    const textual = body.byteLength === 0 || isUtf8Text(body);
    const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
      version: "2.0",
      routeKey: `${entry.route.method} ${entry.route.path}`,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ""),
      headers,
      ...(url.search
        ? { queryStringParameters: Object.fromEntries(url.searchParams.entries()) }
        : {}),
      ...(entry.names.length > 0 ? { pathParameters } : {}),
      requestContext: {
        accountId: "000000000000",
        apiId: "local",
        domainName: request.headers.host ?? "localhost",
        domainPrefix: "localhost",
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${request.httpVersion}`,
          sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
          userAgent: request.headers["user-agent"] ?? "",
        },
        requestId,
        routeKey: `${entry.route.method} ${entry.route.path}`,
        stage: "$default",
        time: now.toISOString(),
        timeEpoch: now.getTime(),
        authorizer: {
          principalId: "",
          integrationLatency: 0,
          jwt: { claims: claims ?? {}, scopes: [] },
        },
      },
      ...(body.byteLength > 0
        ? {
            body: textual ? body.toString("utf8") : body.toString("base64"),
            isBase64Encoded: !textual,
          }
        : { isBase64Encoded: false }),
    } as APIGatewayProxyEventV2WithJWTAuthorizer;
    if (entry.route.public) {
      // Public routes have no authorizer, as in API Gateway.
      (event.requestContext as { authorizer?: unknown }).authorizer = undefined;
    }
    const { timeoutSeconds, memoryMb } = entry.declaration;
    const context = lambdaContext(entry.functionName, timeoutSeconds, memoryMb);
    let integrationTimer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        invokeWithTimeout(() => entry.handler(event, context), context, timeoutSeconds),
        new Promise<never>((_, reject) => {
          integrationTimer = setTimeout(
            () => reject(new IntegrationTimeout()),
            integrationTimeoutMs,
          );
        }),
      ]);
      send(response, result, requestId);
    } catch (error) {
      options.onError?.(error);
      // As an HTTP API answers: a function that fails or times out is a 500;
      // a function still running when the integration gives up is a 503 (it
      // goes on until its own timeout).
      send(response, gatewayResult(error instanceof IntegrationTimeout ? 503 : 500), requestId);
    } finally {
      clearTimeout(integrationTimer);
    }
  };

  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (request, response) => {
    handle(request, response).catch((error) => {
      options.onError?.(error);
      if (!response.headersSent) {
        response.writeHead(500, { "content-type": "application/json" });
        response.end('{"message":"Internal Server Error"}');
      } else response.destroy();
    });
  });
  // Requests Node cannot parse (oversized or malformed headers, bad framing)
  // still get a contract error body, as API Gateway answers them itself.
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
    const body = JSON.stringify(
      new ApiError(
        "VALIDATION_FAILED",
        tooLarge ? "The request headers are too large." : "The request is not valid HTTP.",
        undefined,
        tooLarge ? 431 : 400,
      ).toBody(),
    );
    socket.end(
      `HTTP/1.1 ${tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request"}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
