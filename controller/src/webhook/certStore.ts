/**
 * The certificate Secret and the ValidatingWebhookConfiguration's caBundles through the API: the CertStore of
 * cert.ts. The Secret is kubernetes.io/tls (tls.crt, tls.key, ca.crt, as cert-manager writes it) plus ca.key, the
 * CA's key, which only a self-generating controller keeps. Updates carry the resourceVersion read, so two replicas
 * renewing at once cannot both win; the caBundles are set with a JSON patch, one `add` per webhook.
 */
import { isRecord } from '@ironlb/shared/config';
import { statusCodeOf, type KubeClient } from '@ironlb/shared/k8s';
import type { CertStore, SecretRead } from './cert';
import type { StoredCerts } from './certRules';

export const JSON_PATCH = 'application/json-patch+json';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (v: unknown): string | undefined =>
  typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : undefined;

/** The certificates of a Secret's data; undefined unless tls.crt, tls.key and ca.crt are all there. */
export function certsOfSecret(secret: unknown): StoredCerts | undefined {
  const data = isRecord(secret) && isRecord(secret.data) ? secret.data : {};
  const cert = unb64(data['tls.crt']);
  const key = unb64(data['tls.key']);
  const caBundle = unb64(data['ca.crt']);
  if (!cert || !key || !caBundle) return undefined;
  return { cert, key, caBundle, caKey: unb64(data['ca.key']) ?? '' };
}

export const secretData = (c: StoredCerts): Record<string, string> => ({
  'ca.crt': b64(c.caBundle),
  'ca.key': b64(c.caKey),
  'tls.crt': b64(c.cert),
  'tls.key': b64(c.key),
});

export function apiCertStore(client: KubeClient, namespace: string, secretName: string, configName: string): CertStore {
  const secrets = `/api/v1/namespaces/${namespace}/secrets`;
  const config = `/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${configName}`;
  const body = (c: StoredCerts, resourceVersion?: string): unknown => ({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { name: secretName, namespace, ...(resourceVersion ? { resourceVersion } : {}) },
    data: secretData(c),
  });
  const absentOn = async <T>(code: number, call: Promise<T>): Promise<T | undefined> => {
    try {
      return await call;
    } catch (e) {
      if (statusCodeOf(e) === code) return undefined;
      throw e;
    }
  };
  return {
    async readSecret(): Promise<SecretRead | undefined> {
      const s = await absentOn(404, client.get<unknown>(`${secrets}/${secretName}`));
      if (!isRecord(s)) return undefined;
      const rv =
        isRecord(s.metadata) && typeof s.metadata.resourceVersion === 'string' ? s.metadata.resourceVersion : '';
      const certs = certsOfSecret(s);
      return { resourceVersion: rv, ...(certs ? { certs } : {}) };
    },
    async createSecret(c) {
      return (
        (await absentOn(
          409,
          client.post(secrets, body(c)).then(() => true),
        )) ?? false
      );
    },
    async updateSecret(c, resourceVersion) {
      return (
        (await absentOn(
          409,
          client.put(`${secrets}/${secretName}`, body(c, resourceVersion)).then(() => true),
        )) ?? false
      );
    },
    async readCABundles() {
      const vwc = await absentOn(404, client.get<unknown>(config));
      const hooks = isRecord(vwc) && Array.isArray(vwc.webhooks) ? vwc.webhooks : [];
      return hooks.map((h: unknown) =>
        isRecord(h) && isRecord(h.clientConfig) ? (unb64(h.clientConfig.caBundle) ?? '') : '',
      );
    },
    async writeCABundles(bundle, count) {
      const ops = Array.from({ length: count }, (_, i) => ({
        op: 'add',
        path: `/webhooks/${i}/clientConfig/caBundle`,
        value: b64(bundle),
      }));
      await client.request('PATCH', config, { body: ops, contentType: JSON_PATCH });
    },
  };
}
