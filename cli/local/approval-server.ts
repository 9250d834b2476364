/**
 * The approval page on 127.0.0.1: a node:http server that turns each request into the API Gateway
 * proxy event the Lambda receives and answers with `approvalApi`, the same handler as in AWS.
 *
 * Start it before requesting approval and put its `url` in `settings.approvalBaseUrl`, so the mailed
 * links point at it (with port 0 the port is only known once it listens).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApprovalApiEvent, type ApprovalLog, approvalApi } from '../../handlers/approval-api.js';
import { FUNCTIONS } from '../../handlers/aws/functions.js';
import { restrictPorts } from '../../handlers/aws/ports.js';
import { groupFields } from '../../handlers/core/approval/decision.js';
import { htmlResponse, renderErrorPage, renderTooLargePage } from '../../handlers/core/approval/page.js';
import type { Ports } from '../../handlers/ports/index.js';

/** Bodies above this size are refused with 413 (a form for 5,000 credentials stays below). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface ApprovalServerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Largest accepted request body in bytes; default DEFAULT_MAX_BODY_BYTES. */
  maxBodyBytes?: number;
  /** Receives the API's log lines (ids and outcomes, never secrets); default: none. */
  log?: ApprovalLog;
}

export interface ApprovalServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

class BodyTooLarge extends Error {
  override name = 'BodyTooLarge';
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** The API Gateway REST proxy event for a node request (the fields approvalApi reads). */
export function toApiGatewayEvent(req: IncomingMessage, body: string): ApprovalApiEvent {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const multi = groupFields(url.searchParams);
  const single = Object.fromEntries(
    Object.entries(multi).map(([name, values]) => [name, values.at(-1) ?? '']),
  );
  const headers: Record<string, string> = {};
  const multiHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[name] = values.join(', ');
    multiHeaders[name] = values;
  }
  let pathParameters: Record<string, string> | null = null;
  const match = /^\/approvals\/([^/]+)$/.exec(url.pathname);
  if (match?.[1] !== undefined) {
    try {
      pathParameters = { id: decodeURIComponent(match[1]) };
    } catch {
      pathParameters = null;
    }
  }
  const hasQuery = url.searchParams.size > 0;
  return {
    httpMethod: req.method ?? 'GET',
    path: url.pathname,
    pathParameters,
    queryStringParameters: hasQuery ? single : null,
    multiValueQueryStringParameters: hasQuery ? multi : null,
    headers,
    multiValueHeaders: multiHeaders,
    body: body.length > 0 ? body : null,
    isBase64Encoded: false,
    requestContext: {
      identity: { sourceIp: req.socket.remoteAddress ?? null, userAgent: headers['user-agent'] ?? null },
    },
  };
}

function send(
  res: ServerResponse,
  response: { statusCode: number; headers: Record<string, string>; body: string },
) {
  res.writeHead(response.statusCode, {
    ...response.headers,
    'Content-Length': Buffer.byteLength(response.body),
  });
  res.end(response.body);
}

/** Serves the approval API on 127.0.0.1 until `close()`. */
export async function startApprovalServer(
  ports: Ports,
  opts: ApprovalServerOptions = {},
): Promise<ApprovalServer> {
  const limit = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const apiOptions = opts.log ? { log: opts.log } : {};
  // Only what the deployed function declares (and so its role allows).
  const apiPorts = restrictPorts(ports, FUNCTIONS.ApprovalApi.aws);
  const server = createServer((req, res) => {
    readBody(req, limit)
      .then((body) => approvalApi(toApiGatewayEvent(req, body), apiPorts, apiOptions))
      .then((response) => send(res, response))
      .catch((err: unknown) => {
        if (err instanceof BodyTooLarge) {
          res.setHeader('Connection', 'close');
          send(res, htmlResponse(413, renderTooLargePage()));
          return;
        }
        send(res, htmlResponse(500, renderErrorPage()));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
