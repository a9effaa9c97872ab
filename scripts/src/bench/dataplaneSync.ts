/**
 * `npm run bench -- dataplane-sync [--services N] [--endpoints E] [--rounds R]`: what one sync of the dataplane's
 * rules costs, nftables beside iptables, with 10 and with N Services (E endpoints each), in a network namespace of
 * the bench's own (created here, deleted in `finally`; nothing is added to the root namespace).
 *
 * Per backend and size: the first full sync (apply(undefined, plan, true)) and a single-endpoint change (one Service
 * loses one endpoint: nftables as a diff, iptables as it always does, a save and a full restore), wall ms around
 * the backend's apply and the bytes it handed over. Beside them `nft -f` alone loading the same full text (rendered
 * once, only the process timed), so what our side adds is visible; and, in process, the planner and the renderers.
 * Rounds alternate the backends (nft, ipt, ipt, nft, ...); figures are medians. Timings are printed, never asserted.
 */
import {
  iptablesBackend,
  nftablesBackend,
  planDataplane,
  processRunner,
  renderIptables,
  renderNftablesFull,
  type CommandRunner,
  type DataplaneBackend,
  type DataplaneInput,
  type DataplanePlan,
} from '@ironlb/speaker';
import { noteNetnsDir, restoreNetnsDir } from '../lab/netnsDir';
import { mustRun, runCmd } from '../lab/sh';
import { bytesText, tableLines } from './benchTable';
import { intOption } from './bgpCommon';
import { benchInput, benchServices, withoutLastEndpoint } from './dataplaneInput';
import { fmt, median } from './stats';

const progress = (text: string): void => void process.stderr.write(`[dataplane-sync] ${text}\n`);

type Kind = 'nftables' | 'iptables';
const SMALL = 10;

interface Sample {
  readonly fullMs: number;
  readonly fullBytes: number;
  readonly changeMs: number;
  readonly changeBytes: number;
}

/** The two plans of one size: before and after the single-endpoint change. */
interface SizePlans {
  readonly services: number;
  readonly plan: DataplanePlan;
  readonly changed: DataplanePlan;
  /** renderFull(plan): what `nft -f` alone loads. */
  readonly nftText: string;
}

function plansOf(services: number, endpoints: number): SizePlans {
  const input = benchInput(benchServices({ services, endpoints }));
  const plan = planDataplane(input);
  // A Service in the middle loses its last endpoint.
  const changed = planDataplane(withoutLastEndpoint(input, `bench/svc-${Math.floor(services / 2)}`));
  return { services, plan, changed, nftText: renderNftablesFull(plan) };
}

async function timed<T>(op: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await op();
  return { ms: performance.now() - t0, value };
}

/** The first full sync and the single-endpoint change, from a namespace holding nothing of ours; cleaned after. */
async function syncSample(backend: DataplaneBackend, p: SizePlans): Promise<Sample> {
  await backend.cleanup();
  try {
    const full = await timed(() => backend.apply(undefined, p.plan, true));
    const change = await timed(() => backend.apply(p.plan, p.changed, false));
    return { fullMs: full.ms, fullBytes: full.value.bytes, changeMs: change.ms, changeBytes: change.value.bytes };
  } finally {
    await backend.cleanup();
  }
}

/** `nft -f -` alone loading the full text, through the same runner and `ip netns exec` as the backend. */
async function nftAlone(runner: CommandRunner, prefix: readonly string[], p: SizePlans): Promise<number> {
  const argv = [...prefix, 'nft', '-f', '-'];
  const t = await timed(() => runner.run(argv, p.nftText));
  if (t.value.code !== 0) throw new Error(`'${argv.join(' ')}' failed: ${t.value.stderr.slice(0, 500)}`);
  return t.ms;
}

/** That the big plan really landed: forwards in nftables' verdict map, rules in IRONLB-SERVICES. */
async function checkLoaded(kind: Kind, prefix: readonly string[], p: SizePlans): Promise<void> {
  const argv =
    kind === 'nftables'
      ? [...prefix, 'nft', 'list', 'map', 'inet', 'ironlb', 'forwards4']
      : [...prefix, 'iptables-save', '-t', 'nat'];
  const out = await mustRun(argv, { timeoutMs: 300_000 });
  const count =
    kind === 'nftables'
      ? (out.match(/: goto svc-/g) ?? []).length
      : out.split('\n').filter((l) => l.startsWith('-A IRONLB-SERVICES ')).length;
  if (count !== p.plan.forwards.size)
    throw new Error(`${kind} holds ${count} forwards after the full sync, not ${p.plan.forwards.size}`);
}

/** In process, median of 5: the planner over N Services and both full renders of its plan. */
function inProcess(input: DataplaneInput): { planMs: number; nftMs: number; iptMs: number } {
  const plans: number[] = [];
  const nft: number[] = [];
  const ipt: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const plan = planDataplane(input);
    const t1 = performance.now();
    renderNftablesFull(plan);
    const t2 = performance.now();
    renderIptables(plan, 'IPv4');
    const t3 = performance.now();
    plans.push(t1 - t0);
    nft.push(t2 - t1);
    ipt.push(t3 - t2);
  }
  return { planMs: median(plans), nftMs: median(nft), iptMs: median(ipt) };
}

async function firstLine(argv: string[]): Promise<string> {
  const r = await runCmd(argv);
  return (r.stdout + r.stderr).trim().split('\n')[0] ?? '?';
}

const within = (ratio: number, target: number): boolean => ratio <= target && ratio >= 1 / target;

export async function benchDataplaneSync(args: string[]): Promise<void> {
  const services = intOption(args, '--services', 10_000);
  const endpoints = intOption(args, '--endpoints', 10);
  const rounds = intOption(args, '--rounds', 3);
  const cmd = `npm run bench -- dataplane-sync --services ${services} --endpoints ${endpoints} --rounds ${rounds}`;
  const ns = `ilbbench-sync-${process.pid}`;
  const prefix = ['ip', 'netns', 'exec', ns];
  // A big iptables restore can take far longer than the speaker's 30 s default.
  const runner = processRunner(600_000);
  const backends: Record<Kind, DataplaneBackend> = {
    nftables: nftablesBackend({ runner, argvPrefix: prefix }),
    // The plans are IPv4 only: ip6tables would add an empty save and restore per apply, which nftables' one inet
    // table does not pay; left out so iptables is measured at its best.
    iptables: iptablesBackend({ runner, prefix, families: ['IPv4'] }),
  };

  progress(`planning ${SMALL} and ${services} Services, ${endpoints} endpoints each`);
  const sizes = [plansOf(SMALL, endpoints), plansOf(services, endpoints)];
  const samples = new Map<string, Sample[]>();
  const alone = new Map<number, number[]>(sizes.map((s) => [s.services, []]));
  const at = (kind: Kind, n: number): Sample[] => samples.get(`${kind} ${n}`) ?? [];
  for (const kind of ['nftables', 'iptables'] as const) for (const s of sizes) samples.set(`${kind} ${s.services}`, []);

  const versions = {
    nft: await firstLine(['nft', '--version']),
    ipt: await firstLine(['iptables', '--version']),
    kernel: await firstLine(['uname', '-r']),
  };
  const started = performance.now();
  noteNetnsDir();
  await mustRun(['ip', 'netns', 'add', ns]);
  try {
    await mustRun([...prefix, 'ip', 'link', 'set', 'lo', 'up']);
    // Warmup, not counted: the first apply in a process also pays for compiling the render code.
    progress(`warmup: both backends at ${SMALL} Services`);
    for (const kind of ['nftables', 'iptables'] as const) await syncSample(backends[kind], sizes[0]);
    await nftAlone(runner, prefix, sizes[0]);
    await backends.nftables.cleanup();
    for (let r = 0; r < rounds; r++) {
      const order: Kind[] = r % 2 === 0 ? ['nftables', 'iptables'] : ['iptables', 'nftables'];
      for (const kind of order) {
        for (const s of sizes) {
          progress(`round ${r + 1}/${rounds}: ${kind}, ${s.services} Services`);
          const sample = await syncSample(backends[kind], s);
          at(kind, s.services).push(sample);
          progress(
            `  full ${fmt(sample.fullMs, 0)} ms (${bytesText(sample.fullBytes)}), one endpoint ${fmt(sample.changeMs, 0)} ms (${bytesText(sample.changeBytes)})`,
          );
          if (kind === 'nftables') {
            const ms = await nftAlone(runner, prefix, s);
            alone.get(s.services)?.push(ms);
            progress(`  nft -f alone ${fmt(ms, 0)} ms`);
            await backends.nftables.cleanup();
          }
        }
      }
    }
    // Once, outside the timings: the big plan really lands in both.
    const big = sizes[1];
    for (const kind of ['nftables', 'iptables'] as const) {
      progress(`checking that ${kind} holds all ${big.services} forwards`);
      await backends[kind].apply(undefined, big.plan, true);
      await checkLoaded(kind, prefix, big);
      await backends[kind].cleanup();
    }
  } finally {
    await runCmd(['ip', 'netns', 'del', ns]);
    await restoreNetnsDir();
  }
  progress('in process: planner and renders');
  const pure = inProcess(benchInput(benchServices({ services, endpoints })));

  const med = (kind: Kind, n: number, f: (s: Sample) => number): number => median(at(kind, n).map(f));
  const rows: string[][] = [];
  for (const s of sizes) {
    const n = s.services;
    const row = (label: string, ms: (s: Sample) => number, bytes: (s: Sample) => number): string[] => {
      const [nm, im] = [med('nftables', n, ms), med('iptables', n, ms)];
      const [nb, ib] = [med('nftables', n, bytes), med('iptables', n, bytes)];
      return [label, fmt(nm, 1), bytesText(nb), fmt(im, 1), bytesText(ib), fmt(im / nm, 2), fmt(ib / nb, 2)];
    };
    rows.push(
      row(
        `first full sync, ${n} Services`,
        (x) => x.fullMs,
        (x) => x.fullBytes,
      ),
    );
    rows.push(
      row(
        `one endpoint less, ${n} Services`,
        (x) => x.changeMs,
        (x) => x.changeBytes,
      ),
    );
  }
  for (const s of sizes) {
    rows.push([
      `nft -f alone (full text), ${s.services}`,
      fmt(median(alone.get(s.services) ?? []), 1),
      bytesText(Buffer.byteLength(s.nftText)),
      '',
      '',
      '',
      '',
    ]);
  }
  console.log(`# ${cmd}`);
  console.log(
    `# ${versions.nft}; ${versions.ipt}; kernel ${versions.kernel}; a network namespace of its own; median of ${rounds} round(s), backends alternated (nft, ipt, ipt, nft, ...)`,
  );
  console.log(
    '# wall ms around the backend apply (render + `ip netns exec` + the command); iptables: IPv4 only (the plans are IPv4), iptables-save + iptables-restore --noflush per apply, as it always does; nftables: one `nft -f -`, the change as a diff',
  );
  for (const l of tableLines(['', 'nft ms', 'nft bytes', 'ipt ms', 'ipt bytes', 'ipt/nft ms', 'ipt/nft bytes'], rows))
    console.log(`  ${l}`);
  const [small, big] = sizes;
  const overhead = (n: number): number => med('nftables', n, (x) => x.fullMs) / median(alone.get(n) ?? []);
  const ov = overhead(big.services);
  console.log(
    `  our full sync / nft -f alone: ${fmt(overhead(small.services), 2)} at ${small.services}, ${fmt(ov, 2)} at ${big.services} (target <= 1.5 at ${big.services}: ${ov <= 1.5 ? 'met' : 'NOT met'})`,
  );
  const scale = med('nftables', big.services, (x) => x.changeMs) / med('nftables', small.services, (x) => x.changeMs);
  console.log(
    `  nft one-endpoint change at ${big.services} / at ${small.services}: ${fmt(scale, 2)} (target within 1.5: ${within(scale, 1.5) ? 'met' : 'NOT met'})`,
  );
  const iscale = med('iptables', big.services, (x) => x.changeMs) / med('iptables', small.services, (x) => x.changeMs);
  console.log(`  iptables one-endpoint change at ${big.services} / at ${small.services}: ${fmt(iscale, 2)}`);
  console.log(
    `  in process, ${services} Services x ${endpoints} endpoints: planDataplane ${fmt(pure.planMs, 1)} ms; nftables renderFull ${fmt(pure.nftMs, 1)} ms; renderIptables ${fmt(pure.iptMs, 1)} ms (median of 5)`,
  );
  console.log(`  whole run: ${fmt((performance.now() - started) / 60_000, 1)} min`);
  console.log(`  reproduce: ${cmd} (root: it creates a network namespace)`);
}
