/**
 * `npm run demo`: the first thing a newcomer runs. Starts ironlb-kube, builds the network lab (3 nodes, a BIRD
 * router, a client, a pod per node), shows that the lab routes and that every node reaches the API server, then
 * applies the seed documents' Services with the real kubectl. Everything it starts it stops, even on failure.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startKubeServer, type KubeServer } from '../kube/server/index';
import { Lab } from '../lab/lab';
import { probeTcp, serveTcp } from '../lab/labProbe';
import { gatherStatus } from '../lab/status';
import { formatStatus } from '../lab/statusFormat';
import { kubeTools } from '../testing/kubetools';
import { repoRoot } from '../tools';

const PREFIX = 'ilbdemo';
const KUBE_PORT = 6443;
const SEEDS = path.join(repoRoot, 'scripts', 'fixtures', 'seeds');

const say = (text: string): void => console.log(`\n=== ${text}`);
const indent = (text: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('The demo builds network namespaces and needs root: run `sudo npm run demo`.');
    process.exit(1);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-demo-'));
  let server: KubeServer | undefined;
  let lab: Lab | undefined;
  const stop = async (): Promise<void> => {
    if (lab) await Lab.down(PREFIX);
    lab = undefined;
    await server?.stop();
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    say('ironlb-kube: a Kubernetes 1.35 API server for the lab');
    const kubeconfig = path.join(dir, 'kubeconfig');
    const socket = path.join(dir, 'kube.sock');
    server = await startKubeServer({ port: 0, kubeconfigOut: kubeconfig, socketPath: socket });
    console.log(`    serving ${server.url} and ${socket}; kubeconfig ${kubeconfig}`);
    const { kubectl } = kubeTools(kubeconfig);

    say('the lab: 3 nodes, a BIRD router, a client and a pod behind each node, all in network namespaces');
    lab = await Lab.up({ prefix: PREFIX, nodes: 3, router: 'bird', kubeSocket: socket, kubePort: KUBE_PORT });
    console.log(indent(formatStatus(await gatherStatus(lab))));

    say('the client reaches pod1 (203.0.113.18) through node1, its next hop');
    await serveTcp(lab, 'pod1', 7000, 'hello-from-pod1');
    const answer = await probeTcp(lab, 'client', '203.0.113.18', 7000);
    console.log(`    client -> 203.0.113.18:7000 answered: ${answer || '(nothing)'}`);
    if (answer !== 'hello-from-pod1') throw new Error('the client could not reach pod1');

    say(`every node reaches the API server at 127.0.0.1:${KUBE_PORT}, as a speaker on that node will`);
    for (const node of ['node1', 'node2', 'node3']) {
      const r = await lab.exec(node, ['curl', '-s', '--max-time', '5', `http://127.0.0.1:${KUBE_PORT}/version`]);
      const version = r.code === 0 ? (JSON.parse(r.stdout) as { gitVersion?: string }).gitVersion : undefined;
      console.log(`    ${node}: ${version ?? `failed: ${r.stderr.trim()}`}`);
      if (!version) throw new Error(`${node} cannot reach the API server`);
    }

    say("the seed documents' Services, applied with the real kubectl v1.35");
    for (const file of ['000-mixed-protocol.yaml', '000-split-pair.yaml', '002-nodeport.yaml', '003-requests.yaml']) {
      const r = await kubectl(['apply', '-f', path.join(SEEDS, file)]);
      console.log(`    $ kubectl apply -f ${file}\n${indent(r.stdout + r.stderr)}`);
    }
    const bad = fs
      .readFileSync(path.join(SEEDS, '002-nodeport.yaml'), 'utf8')
      .replace('nodePort: 30080', 'nodePort: 8888');
    const refused = await kubectl(['apply', '-f', '-'], bad);
    console.log(
      `    $ sed -e 's|nodePort: 30080|nodePort: 8888|' 002-nodeport.yaml | kubectl apply -f -\n${indent(refused.stderr)}`,
    );
    const all = await kubectl(['get', 'svc', '-A']);
    console.log(`    $ kubectl get svc -A\n${indent(all.stdout)}`);
    console.log('\n    EXTERNAL-IP stays <pending> until ironlb-controller assigns addresses (see the README status).');
  } finally {
    say('tearing down');
    await stop();
    console.log(`    lab '${PREFIX}' removed, API server stopped`);
  }
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
