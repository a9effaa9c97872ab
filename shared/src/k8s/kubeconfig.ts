/**
 * Where the API server is and how to authenticate to it: a kubeconfig file's current context, or the Pod's service
 * account (in-cluster). Read here rather than with client-node's KubeConfig, whose module alone loads every generated
 * API and model (about 70 MiB of RSS, most of a speaker's budget); what a daemon needs is small: the server URL, the
 * CA, a client certificate or a bearer token.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';

/** The service account's files in a Pod (kubelet projects them; the token is rotated in place). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface ClusterAccess {
  /** `https://10.96.0.1:443`, `http://127.0.0.1:6443`, without a trailing slash. */
  readonly server: string;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  /** Skip verifying the server's certificate (`insecure-skip-tls-verify`). */
  readonly insecure: boolean;
  /** The bearer token, read again on every call: a projected service-account token rotates in place. */
  readonly token?: () => string;
  /** Where this came from, for logs and errors. */
  readonly source: string;
}

type Raw = Record<string, unknown>;
const rec = (v: unknown): Raw => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Raw) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The entry called `name` in a kubeconfig list (`clusters`, `users`, `contexts`), its inner object. */
function named(doc: Raw, list: string, inner: string, name: string, file: string): Raw {
  const items = Array.isArray(doc[list]) ? (doc[list] as unknown[]) : [];
  const found = items.map(rec).find((i) => i.name === name);
  if (!found) throw new Error(`${file}: no ${list.slice(0, -1)} named ${JSON.stringify(name)}`);
  return rec(found[inner]);
}

/** `*-data` (base64) or a file path relative to the kubeconfig's folder, as kubectl resolves them. */
function material(entry: Raw, field: string, dir: string): Buffer | undefined {
  const data = str(entry[`${field}-data`]);
  if (data) return Buffer.from(data, 'base64');
  const file = str(entry[field]);
  return file ? fs.readFileSync(path.resolve(dir, file)) : undefined;
}

/** Reads a token file on each call, but at most once a minute (kubelet rotates projected tokens well before expiry). */
function tokenFile(file: string): () => string {
  let cached = '';
  let readAt = -Infinity;
  return () => {
    const now = Date.now();
    if (now - readAt > 60_000) {
      cached = fs.readFileSync(file, 'utf8').trim();
      readAt = now;
    }
    return cached;
  };
}

export function fromKubeconfig(file: string, text = fs.readFileSync(file, 'utf8')): ClusterAccess {
  const doc = rec(parse(text));
  const contextName = str(doc['current-context']);
  if (!contextName) throw new Error(`${file}: no current-context`);
  const context = named(doc, 'contexts', 'context', contextName, file);
  const cluster = named(doc, 'clusters', 'cluster', String(context.cluster ?? ''), file);
  const user = str(context.user) ? named(doc, 'users', 'user', String(context.user), file) : {};
  const server = str(cluster.server);
  if (!server) throw new Error(`${file}: cluster ${JSON.stringify(context.cluster)} has no server`);
  for (const unsupported of ['exec', 'auth-provider']) {
    if (user[unsupported] !== undefined) {
      throw new Error(
        `${file}: user ${JSON.stringify(context.user)} authenticates with ${unsupported}, which ironlb does not run; ` +
          'give it a token, a token file or a client certificate (in a cluster, ironlb uses its service account)',
      );
    }
  }
  const dir = path.dirname(path.resolve(file));
  const token = str(user.token);
  const tokenPath = str(user.tokenFile);
  return {
    server: server.replace(/\/+$/, ''),
    ca: material(cluster, 'certificate-authority', dir),
    cert: material(user, 'client-certificate', dir),
    key: material(user, 'client-key', dir),
    insecure: cluster['insecure-skip-tls-verify'] === true,
    token: token ? () => token : tokenPath ? tokenFile(path.resolve(dir, tokenPath)) : undefined,
    source: file,
  };
}

/** The Pod's service account, as client-go's rest.InClusterConfig reads it. */
export function inCluster(env: NodeJS.ProcessEnv = process.env, dir = SERVICE_ACCOUNT_DIR): ClusterAccess {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port)
    throw new Error('not in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are unset');
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    server: `https://${hostPart}:${port}`,
    ca: fs.readFileSync(path.join(dir, 'ca.crt')),
    insecure: false,
    token: tokenFile(path.join(dir, 'token')),
    source: `the service account in ${dir}`,
  };
}

/**
 * `--kubeconfig` when given; else $KUBECONFIG (its first file); else the service account inside a Pod; else
 * ~/.kube/config, as kubectl looks.
 */
export function loadClusterAccess(file?: string, env: NodeJS.ProcessEnv = process.env): ClusterAccess {
  if (file) return fromKubeconfig(file);
  const fromEnv = env.KUBECONFIG?.split(path.delimiter).find((f) => f !== '');
  if (fromEnv) return fromKubeconfig(fromEnv);
  if (env.KUBERNETES_SERVICE_HOST) return inCluster(env);
  return fromKubeconfig(path.join(env.HOME ?? os.homedir(), '.kube', 'config'));
}
