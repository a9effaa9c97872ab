/** A self-signed serving certificate for --tls, made with the system openssl (no key material is kept around). */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface ServingCert {
  cert: string;
  key: string;
}

export function selfSignedCert(address: string): ServingCert {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-kube-tls-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    const ips = new Set(['127.0.0.1', address].filter((a) => /^[\d.]+$|:/.test(a)));
    const san = ['DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default', ...[...ips].map((ip) => `IP:${ip}`)].join(
      ',',
    );
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '365',
        '-subj',
        '/CN=ironlb-kube',
        '-addext',
        `subjectAltName=${san}`,
      ],
      { stdio: 'ignore' },
    );
    return { cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
