/** The kubeconfig ironlb-kube writes for kubectl, helm and client-node: one cluster, user and context. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';

export const CONTEXT_NAME = 'ironlb-kube';
/** Any token is accepted; kubectl and helm just need a user entry. */
export const TOKEN = 'ironlb-kube-token';

export function kubeconfigText(server: string, caPem?: string): string {
  const cluster: Record<string, string | boolean> = { server };
  if (caPem) cluster['certificate-authority-data'] = Buffer.from(caPem).toString('base64');
  // @kubernetes/client-node 1.x refuses a plain http:// server unless the cluster skips TLS verification.
  else if (server.startsWith('http:')) cluster['insecure-skip-tls-verify'] = true;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: CONTEXT_NAME, cluster }],
    users: [{ name: CONTEXT_NAME, user: { token: TOKEN } }],
    contexts: [{ name: CONTEXT_NAME, context: { cluster: CONTEXT_NAME, user: CONTEXT_NAME, namespace: 'default' } }],
    'current-context': CONTEXT_NAME,
  });
}

export function writeKubeconfig(file: string, server: string, caPem?: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, kubeconfigText(server, caPem), { mode: 0o600 });
  fs.renameSync(tmp, file);
}
