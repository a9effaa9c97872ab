import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fromKubeconfig, inCluster, loadClusterAccess } from './kubeconfig';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function kubeconfig(cluster: object, user: object, extra: object = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'other', cluster: { server: 'https://203.0.113.9:6443' } },
      { name: 'lab', cluster },
    ],
    users: [{ name: 'me', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'lab', user: 'me' } }],
    'current-context': 'ctx',
    ...extra,
  });
}

describe('fromKubeconfig', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-'));
    fs.writeFileSync(path.join(dir, 'ca.pem'), 'CA FILE');
    fs.writeFileSync(path.join(dir, 'token'), 'from-file\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the current context: server, CA data, client certificate and key, token', () => {
    const file = path.join(dir, 'a');
    const text = kubeconfig(
      { server: 'https://198.51.100.1:6443/', 'certificate-authority-data': b64('CA') },
      { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY'), token: 't0k' },
    );
    const a = fromKubeconfig(file, text);
    expect(a.server).toBe('https://198.51.100.1:6443');
    expect(a.ca?.toString()).toBe('CA');
    expect(a.cert?.toString()).toBe('CERT');
    expect(a.key?.toString()).toBe('KEY');
    expect(a.token?.()).toBe('t0k');
    expect(a.insecure).toBe(false);
    expect(a.source).toBe(file);
  });

  it('resolves file paths against the kubeconfig’s folder; tokenFile is read, trimmed', () => {
    const text = kubeconfig(
      { server: 'http://127.0.0.1:6443', 'certificate-authority': 'ca.pem', 'insecure-skip-tls-verify': true },
      { tokenFile: 'token' },
    );
    const a = fromKubeconfig(path.join(dir, 'b'), text);
    expect(a.ca?.toString()).toBe('CA FILE');
    expect(a.token?.()).toBe('from-file');
    expect(a.insecure).toBe(true);
  });

  it.each([
    ['no current-context', kubeconfig({ server: 'x' }, {}, { 'current-context': '' }), /no current-context/],
    [
      'a context naming a missing cluster',
      kubeconfig({ server: 'x' }, {}, { contexts: [{ name: 'ctx', context: { cluster: 'gone', user: 'me' } }] }),
      /no cluster named "gone"/,
    ],
    ['a cluster without a server', kubeconfig({}, {}), /cluster "lab" has no server/],
    [
      'an exec credential plugin',
      kubeconfig({ server: 'https://198.51.100.1' }, { exec: { command: 'aws' } }),
      /authenticates with exec, which ironlb does not run/,
    ],
  ])('refuses %s, naming the file', (_what, text, message) => {
    expect(() => fromKubeconfig('/etc/kc', text)).toThrow(message);
    expect(() => fromKubeconfig('/etc/kc', text)).toThrow(/^\/etc\/kc: /);
  });
});

describe('inCluster and loadClusterAccess', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sa-'));
    fs.writeFileSync(path.join(dir, 'ca.crt'), 'SA CA');
    fs.writeFileSync(path.join(dir, 'token'), 'sa-token');
    fs.writeFileSync(path.join(dir, 'config'), kubeconfig({ server: 'https://203.0.113.5:6443' }, { token: 'kc' }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the service account and the service host (IPv6 in brackets)', () => {
    const a = inCluster({ KUBERNETES_SERVICE_HOST: '2001:db8::1', KUBERNETES_SERVICE_PORT: '443' }, dir);
    expect(a.server).toBe('https://[2001:db8::1]:443');
    expect(a.ca?.toString()).toBe('SA CA');
    expect(a.token?.()).toBe('sa-token');
    expect(() => inCluster({}, dir)).toThrow(/not in a cluster/);
  });

  it('takes --kubeconfig, then $KUBECONFIG, then the service account, then ~/.kube/config', () => {
    const config = path.join(dir, 'config');
    expect(loadClusterAccess(config, {}).source).toBe(config);
    expect(loadClusterAccess(undefined, { KUBECONFIG: `${config}${path.delimiter}/nope` }).source).toBe(config);
    expect(() => loadClusterAccess(undefined, { KUBERNETES_SERVICE_HOST: '198.51.100.1' })).toThrow(/SERVICE_PORT/);
    fs.mkdirSync(path.join(dir, 'home', '.kube'), { recursive: true });
    fs.copyFileSync(config, path.join(dir, 'home', '.kube', 'config'));
    expect(loadClusterAccess(undefined, { HOME: path.join(dir, 'home') }).server).toBe('https://203.0.113.5:6443');
  });
});
