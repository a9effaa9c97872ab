/**
 * One HTTPS POST of an AdmissionReview, and its failures worded as Go's net/http and crypto/tls word them (the real
 * server's messages quote them: `Post "https://...": dial tcp ...: connect: connection refused`).
 */
import * as https from 'node:https';

export interface WebhookTarget {
  /** The URL the messages show (`https://webhook.ironlb.svc:443/validate?timeout=10s`). */
  url: string;
  /** Where to connect. */
  host: string;
  port: number;
  /** A Unix socket that reaches host:port (a lab's pod in its own network namespace). */
  socketPath?: string;
  /** Path and query sent. */
  path: string;
  /** The name the certificate must carry (a DNS name; IP hosts are checked as IPs). */
  serverName: string;
  /** PEM roots from caBundle; undefined: the system roots. */
  ca?: string;
}

export interface PostAnswer {
  status: number;
  body: string;
}

/** A transport failure; the message is Go's, without the `Post "url": ` prefix. */
export class TransportError extends Error {}

const isIP = (h: string): boolean => /^[\d.]+$/.test(h) || h.includes(':');

export function postReview(target: WebhookTarget, body: string, timeoutMs: number): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (e: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(e);
    };
    const req = https.request({
      host: target.host,
      port: target.port,
      ...(target.socketPath !== undefined ? { socketPath: target.socketPath } : {}),
      path: target.path,
      method: 'POST',
      ...(isIP(target.serverName) ? {} : { servername: target.serverName }),
      // Node checks the certificate against servername when set, else against host.
      ...(target.ca !== undefined ? { ca: target.ca } : {}),
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, */*',
        'Content-Length': Buffer.byteLength(body),
      },
      agent: false,
    });
    const timer = setTimeout(() => {
      fail(new TransportError('context deadline exceeded'));
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => fail(new TransportError(goError(e, target))));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => fail(new TransportError(goError(e, target))));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end(body);
  });
}

const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_SIGNATURE_FAILURE',
]);

interface NodeError extends Error {
  code?: string;
  cert?: { subjectaltname?: string };
}

/** Node's socket and TLS errors in Go's words; anything else as Node says it. */
export function goError(e: NodeError, target: Pick<WebhookTarget, 'host' | 'port' | 'serverName'>): string {
  const hostPort = target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
  if (e.code === 'ECONNREFUSED') return `dial tcp ${hostPort}: connect: connection refused`;
  if (e.code === 'ECONNRESET') return `read tcp ${hostPort}: read: connection reset by peer`;
  if (e.code === 'EHOSTUNREACH') return `dial tcp ${hostPort}: connect: no route to host`;
  if (e.code && UNKNOWN_AUTHORITY.has(e.code))
    return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  if (e.code === 'CERT_HAS_EXPIRED')
    return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
  if (e.code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const ip = isIP(target.serverName);
    const names = (e.cert?.subjectaltname ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.startsWith(ip ? 'IP Address:' : 'DNS:'))
      .map((s) => s.slice(s.indexOf(':') + 1));
    if (names.length === 0)
      return ip
        ? `tls: failed to verify certificate: x509: cannot validate certificate for ${target.serverName} because it doesn't contain any IP SANs`
        : 'tls: failed to verify certificate: x509: certificate relies on legacy Common Name field, use SANs instead';
    return `tls: failed to verify certificate: x509: certificate is valid for ${names.join(', ')}, not ${target.serverName}`;
  }
  return e.message;
}
