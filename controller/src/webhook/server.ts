/**
 * The validating webhook's HTTPS server: POST /validate, one path for every kind, AdmissionReview v1 in and out. The
 * serving pair can be replaced while it runs (setPair), so a renewed or rotated certificate is served without a
 * restart and without dropping the listening socket.
 */
import type { IncomingMessage } from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { errorText } from '@ironlb/shared/k8s';
import type { ObjectLister } from './objects';
import { answer, failure, readReview, type ReviewResponse } from './review';
import { validate } from './validate';

export const VALIDATE_PATH = '/validate';
/** An AdmissionReview carries the object and its old version; etcd's object limit is 1.5 MiB. */
const MAX_BODY = 4 * 1024 * 1024;

export interface ServingPair {
  /** PEM: the serving certificate (chain). */
  readonly cert: string;
  /** PEM: its private key. */
  readonly key: string;
}

export interface WebhookServerOptions {
  readonly port: number;
  /** Default: every address. Tests bind 127.0.0.1. */
  readonly host?: string;
  readonly pair: ServingPair;
  /** The namespace the daemons read; objects elsewhere are allowed. */
  readonly namespace: string;
  readonly list: ObjectLister;
  readonly log: Pick<Logger, 'info' | 'warn'>;
}

export interface WebhookServer {
  readonly port: number;
  /** Serves this pair to every new connection from now on. */
  setPair(pair: ServingPair): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function review(body: unknown, namespace: string, list: ObjectLister): Promise<ReviewResponse | string> {
  const r = readReview(body);
  if ('error' in r) return r.error;
  let current;
  try {
    current = await list();
  } catch (e) {
    return failure(r.uid, `ironlb could not list the objects of ${namespace} to check against: ${errorText(e)}`);
  }
  return answer(r.uid, validate(r.change, current, namespace));
}

export function startWebhookServer(o: WebhookServerOptions): Promise<WebhookServer> {
  const server = https.createServer({ cert: o.pair.cert, key: o.pair.key }, (req, res) => {
    const reply = (code: number, text: string): void => {
      res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
    };
    const path = new URL(req.url ?? '/', 'https://webhook').pathname;
    if (path !== VALIDATE_PATH) return reply(404, `no such path: ${path} (POST ${VALIDATE_PATH})`);
    if (req.method !== 'POST') return reply(405, `${req.method ?? ''} ${VALIDATE_PATH}: only POST`);
    void readBody(req)
      .then(async (text) => {
        if (text === undefined) return reply(413, `the body is larger than ${MAX_BODY} bytes`);
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return reply(400, 'the body is not JSON');
        }
        const out = await review(body, o.namespace, o.list);
        if (typeof out === 'string') return reply(400, out);
        if (!out.response.allowed)
          o.log.info({ uid: out.response.uid }, `webhook refused: ${out.response.status?.message}`);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(out));
      })
      .catch((e: unknown) => {
        o.log.warn({ err: errorText(e) }, 'webhook request failed');
        if (!res.headersSent) reply(500, 'internal error');
      });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        setPair: (pair) => server.setSecureContext({ cert: pair.cert, key: pair.key }),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
