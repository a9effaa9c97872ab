/**
 * Making the webhook's certificates: a CA, and a serving certificate it signs. Node's crypto makes keys but cannot
 * sign certificates, so @peculiar/x509 (pure TypeScript over WebCrypto: nothing to install in the image, no openssl
 * process) builds them. ECDSA P-256 keys: small, quick to make, and accepted by every API server. Checking
 * certificates is certRules.ts's job, with Node's own X509Certificate.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// Node's WebCrypto is the standard one; the library's type names the DOM's.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
/** notBefore this far back: a node whose clock is a little behind still accepts a certificate just made. */
const BACKDATE_MS = 60 * 60 * 1000;

export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

const newKeys = (): Promise<CryptoKeyPair> =>
  webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

const window = (now: number, validityMs: number): { notBefore: Date; notAfter: Date } => ({
  notBefore: new Date(now - BACKDATE_MS),
  notAfter: new Date(now + validityMs),
});

/** A self-signed CA that signs serving certificates only (path length 0). */
export async function makeCA(commonName: string, now: number, validityMs: number): Promise<PemPair> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${commonName}`,
    keys,
    signingAlgorithm: SIGNING,
    ...window(now, validityMs),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
}

/** A serving certificate for `dnsNames` (the first is its subject too), signed by `ca`. */
export async function makeServing(
  ca: PemPair,
  dnsNames: readonly string[],
  now: number,
  validityMs: number,
): Promise<PemPair> {
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(ca.key), KEY_ALGORITHM, false, [
    'sign',
  ]);
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${dnsNames[0] ?? 'ironlb-webhook'}`,
    issuer: caCert.subject,
    publicKey: keys.publicKey,
    signingKey: caKey as CryptoKey,
    signingAlgorithm: SIGNING,
    ...window(now, validityMs),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(dnsNames.map((value) => ({ type: 'dns' as const, value }))),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
}
