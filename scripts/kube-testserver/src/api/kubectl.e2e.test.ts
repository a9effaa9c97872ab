import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { kubectlPath } from '../paths';
import type { KubeObject } from '../types';
import { discoveryResponse, openapiResponse, toTable, toTableForObject, wantsTable } from './index';
import { BUILTIN_RESOURCES } from './registry';
import { POOL_CRD, POOL_INFO } from './test-fixtures';

/**
 * The real kubectl v1.35 against a stub that serves this module's discovery, OpenAPI and tables for a few fixed
 * objects: proves kubectl accepts what we serve (aggregated and legacy discovery, v3 OpenAPI, Tables).
 */

/** Set in beforeAll: a missing kubectl fails the suite with the command that installs it, never skips it. */
let KUBECTL = '';
const resources = [...BUILTIN_RESOURCES, POOL_INFO];

const created = new Date(Date.now() - 65_000).toISOString();
const svc: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'acserver', namespace: 'default', uid: 'u1', resourceVersion: '5', creationTimestamp: created },
  spec: {
    type: 'LoadBalancer',
    clusterIP: '10.96.0.10',
    clusterIPs: ['10.96.0.10'],
    selector: { app: 'acserver' },
    ports: [
      { name: 'tcp', port: 9610, protocol: 'TCP', nodePort: 31234 },
      { name: 'udp', port: 9610, protocol: 'UDP', nodePort: 31234 },
    ],
  },
  status: { loadBalancer: { ingress: [{ ip: '203.0.113.5', ipMode: 'VIP' }] } },
};
const pool: KubeObject = {
  apiVersion: 'ironlb.io/v1beta1',
  kind: 'IPAddressPool',
  metadata: { name: 'p1', namespace: 'default', uid: 'u2', resourceVersion: '6', creationTimestamp: created },
  spec: { addresses: ['203.0.113.0/28'], autoAssign: true },
};

interface Logged {
  method: string;
  url: string;
  accept: string;
}

let server: http.Server;
let dir: string;
const log: Logged[] = [];
let legacyOnly = false;

function send(res: http.ServerResponse, status: number, contentType: string, body: unknown): void {
  res.writeHead(status, { 'Content-Type': contentType });
  res.end(JSON.stringify(body));
}

function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', 'http://stub');
  const accept = legacyOnly ? 'application/json' : req.headers.accept;
  log.push({ method: req.method ?? '', url: req.url ?? '', accept: req.headers.accept ?? '' });
  const d = discoveryResponse(url.pathname, accept, resources, { serverAddress: req.headers.host });
  if (d) return send(res, d.status, d.contentType, d.body);
  const o = openapiResponse(url.pathname, req.headers.accept, resources, [POOL_CRD]);
  if (o) return send(res, o.status, o.contentType, o.body);
  if (url.pathname === '/version')
    return send(res, 200, 'application/json', { major: '1', minor: '35', gitVersion: 'v1.35.0' });
  const now = new Date();
  const table = wantsTable(req.headers.accept);
  if (url.pathname === '/api/v1/namespaces/default/services' && req.method === 'GET') {
    const info = resources.find((r) => r.resource === 'services' && !r.group);
    if (info && table) return send(res, 200, 'application/json', toTable(info, [svc], { now, resourceVersion: '7' }));
    return send(res, 200, 'application/json', {
      kind: 'ServiceList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '7' },
      items: [svc],
    });
  }
  if (
    url.pathname === '/apis/ironlb.io/v1beta1/namespaces/default/ipaddresspools/p1' &&
    req.method === 'GET' &&
    table
  ) {
    const columns = [
      { name: 'Auto Assign', type: 'boolean', jsonPath: '.spec.autoAssign' },
      { name: 'Addresses', type: 'string', jsonPath: '.spec.addresses' },
    ];
    return send(res, 200, 'application/json', toTableForObject(POOL_INFO, pool, { now, printerColumns: columns }));
  }
  if (req.method === 'POST') {
    const obj = JSON.parse(body) as KubeObject;
    return send(res, 201, 'application/json', {
      ...obj,
      metadata: { ...obj.metadata, uid: 'u9', resourceVersion: '9' },
    });
  }
  send(res, 404, 'application/json', {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'not found',
    reason: 'NotFound',
    details: {},
    code: 404,
  });
}

function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      ['--kubeconfig', path.join(dir, 'kubeconfig'), '--cache-dir', path.join(dir, `cache-${log.length}`), ...args],
      { timeout: 30_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('real kubectl against our discovery, OpenAPI and tables', () => {
  beforeAll(async () => {
    KUBECTL = kubectlPath();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-kubectl-'));
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => handle(req, res, body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fs.writeFileSync(
      path.join(dir, 'kubeconfig'),
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]`,
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: c, context: {cluster: c, user: u, namespace: default}}]',
        'current-context: c',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    log.length = 0;
    legacyOnly = false;
  });

  it('api-resources from aggregated discovery', async () => {
    const r = await kubectl('api-resources');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^services\s+svc\s+v1\s+true\s+Service$/m);
    expect(r.stdout).toMatch(/^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/m);
    expect(r.stdout).toMatch(/^ipaddresspools\s+pool\s+ironlb\.io\/v1beta1\s+true\s+IPAddressPool$/m);
    // one round trip each for /api and /apis, nothing per group-version
    expect(log.map((l) => l.url.split('?')[0])).toEqual(['/api', '/apis']);
    expect(log[0].accept).toContain('g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  });

  it('api-resources from legacy discovery when aggregated is not offered', async () => {
    legacyOnly = true;
    const r = await kubectl('api-resources');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^services\s+svc\s+v1\s+true\s+Service$/m);
    expect(r.stdout).toMatch(/^ipaddresspools\s+pool\s+ironlb\.io\/v1beta1\s+true\s+IPAddressPool$/m);
    expect(log.map((l) => l.url.split('?')[0])).toEqual(expect.arrayContaining(['/api/v1', '/apis/ironlb.io/v1beta1']));
  });

  it('get svc prints the server columns', async () => {
    const r = await kubectl('get', 'svc');
    expect(r.stderr).toBe('');
    const [head, row] = r.stdout.trim().split('\n');
    expect(head.split(/\s{2,}/)).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    expect(row.split(/\s{2,}/)).toEqual([
      'acserver',
      'LoadBalancer',
      '10.96.0.10',
      '203.0.113.5',
      '9610:31234/TCP,9610:31234/UDP',
      expect.stringMatching(/^6\ds$/),
    ]);
    const wide = await kubectl('get', 'svc', '-o', 'wide');
    expect(wide.stdout.split('\n')[0]).toMatch(/SELECTOR$/);
    expect(wide.stdout.split('\n')[1]).toMatch(/app=acserver$/);
  });

  it('get of a custom resource prints its printer columns', async () => {
    const r = await kubectl('get', 'pool', 'p1');
    expect(r.stderr).toBe('');
    expect(
      r.stdout
        .trim()
        .split('\n')[1]
        .split(/\s{2,}/),
    ).toEqual(['p1', 'true', '["203.0.113.0/28"]']);
  });

  it('explain service.spec.ports reads the v3 document', async () => {
    const r = await kubectl('explain', 'service.spec.ports');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('FIELD: ports <[]ServicePort>');
    expect(r.stdout).toMatch(/port\s+<integer> -required-/);
    const crd = await kubectl('explain', 'ipaddresspools.spec');
    expect(crd.stdout).toContain('IPAddressPoolSpec: the addresses to hand out.');
  });

  it('apply validates server-side (fieldValidation=Strict) and creates', async () => {
    const file = path.join(dir, 'svc.yaml');
    fs.writeFileSync(
      file,
      'apiVersion: v1\nkind: Service\nmetadata: {name: s1}\nspec: {type: LoadBalancer, ports: [{port: 80, protocol: TCP}]}\n',
    );
    const r = await kubectl('apply', '-f', file);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('service/s1 created');
    const post = log.find((l) => l.method === 'POST');
    expect(post?.url).toContain('fieldValidation=Strict');
    expect(log.some((l) => l.url.startsWith('/openapi/v2'))).toBe(false);
  });
});
