/**
 * `npm run bench -- dataplane-sync [--services N] [--endpoints E] [--rounds R] [--ipt-budget-min M]`: what one sync
 * of the dataplane's rules costs, nftables beside iptables, with 10 and with N Services (E endpoints each), in a
 * network namespace of the bench's own (created here, deleted in `finally`; nothing is added to the root namespace).
 *
 * Per backend and size: the first full sync (apply(undefined, plan, true)) and a single-endpoint change (one Service
 * loses one endpoint: nftables as a diff, iptables as it always does, a save and a full restore), wall ms and the
 * bytes handed over. The change is timed as the speaker makes it: its planner, which remembers the plan before,
 * plans the new input, then the backend applies the difference. Beside them `nft -f` alone loading the same full text (rendered
 * once, only the process timed), so what our side adds is visible; and, in process, the planner and the renderers.
 * Rounds alternate the backends (nft, ipt, ipt, nft, ...); figures are medians. Timings are printed, never asserted.
 * An iptables apply still running after M minutes (15) is killed: shown as "> M min", that size not tried again.
 */
import { errorText } from '@ironlb/shared';
import {
  DataplanePlanner,
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

/** One measured apply. ms Infinity: killed at the budget (only iptables has one); NaN: not measured. */
interface Figure {
  readonly ms: number;
  readonly bytes: number;
}

interface Sample {
  readonly full: Figure;
  readonly change: Figure;
  /** The first change after the full sync, unsettled (see WARM). */
  readonly firstChange: Figure;
  /** The speaker's planner, remembering the plan before, planning the changed input (NaN: not measured). */
  readonly replanMs: number;
}

/** The inputs and plans of one size: before and after the single-endpoint change. */
interface SizePlans {
  readonly services: number;
  readonly input: DataplaneInput;
  readonly plan: DataplanePlan;
  readonly changedInput: DataplaneInput;
  /** renderFull(plan): what `nft -f` alone loads. */
  readonly nftText: string;
  /** iptables' restore texts for the full sync and the change: their sizes when a restore is killed at the budget. */
  readonly iptBytes: { readonly full: number; readonly change: number };
}

function plansOf(services: number, endpoints: number): SizePlans {
  const input = benchInput(benchServices({ services, endpoints }));
  const plan = planDataplane(input);
  // A Service in the middle loses its last endpoint.
  const changedInput = withoutLastEndpoint(input, `bench/svc-${Math.floor(services / 2)}`);
  const changed = planDataplane(changedInput);
  const full = renderIptables(plan, 'IPv4');
  return {
    services,
    input,
    plan,
    changedInput,
    nftText: renderNftablesFull(plan),
    iptBytes: {
      full: Buffer.byteLength(full.text),
      change: Buffer.byteLength(renderIptables(changed, 'IPv4', full.chains).text),
    },
  };
}

async function timed<T>(op: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await op();
  return { ms: performance.now() - t0, value };
}

/** Where a sample runs: a backend in the bench's namespace, its budget, and how to get the namespace empty again. */
interface Slot {
  readonly backend: DataplaneBackend;
  /** An apply still running after this long is killed and counted as over budget (Infinity: never). */
  readonly budgetMs: number;
  /** Bytes of an apply that was killed, from the render. */
  readonly bytesOf: (p: SizePlans) => { readonly full: number; readonly change: number };
  /** The namespace deleted and made again, when the backend's own cleanup cannot finish. */
  readonly reset: () => Promise<void>;
}

/** An apply timed; one killed at the budget (its runner's timeout) gives Infinity, any other failure throws. */
async function applyTimed(slot: Slot, op: () => Promise<{ bytes: number }>, bytes: number): Promise<Figure> {
  const t0 = performance.now();
  try {
    const r = await op();
    return { ms: performance.now() - t0, bytes: r.bytes };
  } catch (e) {
    if (performance.now() - t0 < slot.budgetMs) throw e;
    return { ms: Infinity, bytes };
  }
}

async function clean(slot: Slot): Promise<void> {
  try {
    await slot.backend.cleanup();
  } catch (e) {
    progress(`cleanup failed (${errorText(e).slice(0, 200)}); making the namespace again`);
    await slot.reset();
  }
}

/**
 * Single-endpoint changes per sample: the endpoint goes, comes back, goes... The first WARM ones only settle things
 * (the first creates the shared chain of 9 endpoints, which the kernel validates against every jump of the table,
 * and the kernel is still freeing what the full load replaced); the next CHANGES are the steady state (median).
 */
const WARM = 3;
const CHANGES = 5;

/**
 * The first full sync, then CHANGES single-endpoint changes (median), from a namespace holding nothing of ours;
 * cleaned after. Each change is planned as the speaker plans it: by a planner that made the plan before.
 */
async function syncSample(slot: Slot, p: SizePlans): Promise<Sample> {
  await clean(slot);
  try {
    const bytes = slot.bytesOf(p);
    const full = await applyTimed(slot, () => slot.backend.apply(undefined, p.plan, true), bytes.full);
    // A full sync that never finished leaves nothing to change.
    if (full.ms === Infinity) {
      const none = { ms: NaN, bytes: bytes.change };
      return { full, change: none, firstChange: none, replanMs: NaN };
    }
    const planner = new DataplanePlanner();
    let before = planner.plan(p.input);
    const changes: Figure[] = [];
    const replans: number[] = [];
    for (let i = 0; i < WARM + CHANGES; i++) {
      const t0 = performance.now();
      const after = planner.plan(i % 2 === 0 ? p.changedInput : p.input);
      replans.push(performance.now() - t0);
      const prev = before;
      changes.push(await applyTimed(slot, () => slot.backend.apply(prev, after, false), bytes.change));
      before = after;
    }
    const steady = changes.slice(WARM);
    const change = { ms: median(steady.map((c) => c.ms)), bytes: steady[0].bytes };
    return { full, change, firstChange: changes[0], replanMs: median(replans.slice(WARM)) };
  } finally {
    await clean(slot);
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
      ? (out.match(/: goto /g) ?? []).length
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

/** A time in ms, or what stands for it: over the budget, or not measured. */
function msText(ms: number, budgetMs: number): string {
  if (ms === Infinity) return `> ${fmt(budgetMs / 60_000, 0)} min`;
  return Number.isNaN(ms) ? 'n/a' : fmt(ms, 1);
}

/** a / b, where a may be over the budget (then a lower bound) or not measured. */
function ratioText(a: number, b: number, budgetMs: number): string {
  if (a === Infinity) return `> ${fmt(budgetMs / b, 0)}`;
  return Number.isNaN(a) || Number.isNaN(b) ? 'n/a' : fmt(a / b, 2);
}

export async function benchDataplaneSync(args: string[]): Promise<void> {
  const services = intOption(args, '--services', 10_000);
  const endpoints = intOption(args, '--endpoints', 10);
  const rounds = intOption(args, '--rounds', 3);
  // iptables-nft's restore grows faster than the rule count: at 10,000 Services x 10 endpoints one restore runs for
  // well over 10 minutes. Past the budget it is killed (nothing is committed), shown as "> budget", not repeated.
  const budgetMin = intOption(args, '--ipt-budget-min', 15);
  const budgetMs = budgetMin * 60_000;
  const cmd = `npm run bench -- dataplane-sync --services ${services} --endpoints ${endpoints} --rounds ${rounds} --ipt-budget-min ${budgetMin}`;
  const ns = `ilbbench-sync-${process.pid}`;
  const prefix = ['ip', 'netns', 'exec', ns];
  const reset = async (): Promise<void> => {
    await runCmd(['ip', 'netns', 'del', ns]);
    await mustRun(['ip', 'netns', 'add', ns]);
    await mustRun([...prefix, 'ip', 'link', 'set', 'lo', 'up']);
  };
  // nft gets an hour (a failure, not a figure, when it runs out); iptables its budget.
  const nftRunner = processRunner(3_600_000);
  const slots: Record<Kind, Slot> = {
    nftables: {
      backend: nftablesBackend({ runner: nftRunner, argvPrefix: prefix }),
      budgetMs: Infinity,
      bytesOf: () => ({ full: NaN, change: NaN }),
      reset,
    },
    iptables: {
      // The plans are IPv4 only: ip6tables would add an empty save and restore per apply, which nftables' one inet
      // table does not pay; left out so iptables is measured at its best.
      backend: iptablesBackend({ runner: processRunner(budgetMs), prefix, families: ['IPv4'] }),
      budgetMs,
      bytesOf: (p) => p.iptBytes,
      reset,
    },
  };

  progress(`planning ${SMALL} and ${services} Services, ${endpoints} endpoints each`);
  const sizes = [plansOf(SMALL, endpoints), plansOf(services, endpoints)];
  const samples = new Map<string, Sample[]>();
  const alone = new Map<number, number[]>(sizes.map((s) => [s.services, []]));
  const at = (kind: Kind, n: number): Sample[] => samples.get(`${kind} ${n}`) ?? [];
  for (const kind of ['nftables', 'iptables'] as const) for (const s of sizes) samples.set(`${kind} ${s.services}`, []);
  /** Backend and size whose full sync ran over the budget once: not tried again. */
  const over = new Set<string>();

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
    for (const kind of ['nftables', 'iptables'] as const) await syncSample(slots[kind], sizes[0]);
    await nftAlone(nftRunner, prefix, sizes[0]);
    await clean(slots.nftables);
    for (let r = 0; r < rounds; r++) {
      const order: Kind[] = r % 2 === 0 ? ['nftables', 'iptables'] : ['iptables', 'nftables'];
      for (const kind of order) {
        for (const s of sizes) {
          if (over.has(`${kind} ${s.services}`)) {
            progress(`round ${r + 1}/${rounds}: ${kind}, ${s.services} Services: skipped (over the budget before)`);
            continue;
          }
          progress(`round ${r + 1}/${rounds}: ${kind}, ${s.services} Services`);
          const sample = await syncSample(slots[kind], s);
          at(kind, s.services).push(sample);
          if (sample.full.ms === Infinity) over.add(`${kind} ${s.services}`);
          progress(
            `  full ${msText(sample.full.ms, budgetMs)} ms (${bytesText(sample.full.bytes)}), one endpoint ${msText(sample.change.ms, budgetMs)} ms (${bytesText(sample.change.bytes)})`,
          );
          if (kind === 'nftables') {
            const ms = await nftAlone(nftRunner, prefix, s);
            alone.get(s.services)?.push(ms);
            progress(`  nft -f alone ${fmt(ms, 0)} ms`);
            await clean(slots.nftables);
          }
        }
      }
    }
    // Once, outside the timings: the big plan really lands (iptables only when it fit in its budget).
    const big = sizes[1];
    for (const kind of ['nftables', 'iptables'] as const) {
      if (over.has(`${kind} ${big.services}`)) continue;
      progress(`checking that ${kind} holds all ${big.services} forwards`);
      await slots[kind].backend.apply(undefined, big.plan, true);
      await checkLoaded(kind, prefix, big);
      await clean(slots[kind]);
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
    const row = (label: string, fig: (s: Sample) => Figure): string[] => {
      const [nm, im] = [med('nftables', n, (x) => fig(x).ms), med('iptables', n, (x) => fig(x).ms)];
      const [nb, ib] = [med('nftables', n, (x) => fig(x).bytes), med('iptables', n, (x) => fig(x).bytes)];
      return [
        label,
        msText(nm, budgetMs),
        bytesText(nb),
        msText(im, budgetMs),
        bytesText(ib),
        ratioText(im, nm, budgetMs),
        fmt(ib / nb, 2),
      ];
    };
    rows.push(row(`first full sync, ${n} Services`, (x) => x.full));
    rows.push(row(`first change after the full sync, ${n}`, (x) => x.firstChange));
    rows.push(row(`one endpoint gone or back, ${n} Services`, (x) => x.change));
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
  const [small, big] = sizes;
  const iptRounds = (n: number): number => at('iptables', n).length;
  console.log(`# ${cmd}`);
  console.log(
    `# ${versions.nft}; ${versions.ipt}; kernel ${versions.kernel}; a network namespace of its own; median of ${rounds} round(s), backends alternated (nft, ipt, ipt, nft, ...)${iptRounds(big.services) < rounds ? `; iptables at ${big.services}: ${iptRounds(big.services)} round(s), killed at the ${budgetMin} min budget` : ''}`,
  );
  console.log(
    `# wall ms around the backend apply (render + \`ip netns exec\` + the command), a change (an endpoint gone, back, gone...) as the median of ${CHANGES} after ${WARM} that settle things between plans of the speaker planner (unchanged forwards are the same objects); iptables: IPv4 only (the plans are IPv4), iptables-save + iptables-restore --noflush per apply, as it always does; nftables: one \`nft -f -\`, the change as a diff`,
  );
  for (const l of tableLines(['', 'nft ms', 'nft bytes', 'ipt ms', 'ipt bytes', 'ipt/nft ms', 'ipt/nft bytes'], rows))
    console.log(`  ${l}`);
  const overhead = (n: number): number => med('nftables', n, (x) => x.full.ms) / median(alone.get(n) ?? []);
  const ov = overhead(big.services);
  console.log(
    `  our full sync / nft -f alone: ${fmt(overhead(small.services), 2)} at ${small.services}, ${fmt(ov, 2)} at ${big.services} (target <= 1.5 at ${big.services}: ${ov <= 1.5 ? 'met' : 'NOT met'})`,
  );
  const scale = med('nftables', big.services, (x) => x.change.ms) / med('nftables', small.services, (x) => x.change.ms);
  console.log(
    `  nft one-endpoint change at ${big.services} / at ${small.services}: ${fmt(scale, 2)} (target within 1.5: ${within(scale, 1.5) ? 'met' : 'NOT met'})`,
  );
  const ichange = (n: number): number => med('iptables', n, (x) => x.change.ms);
  console.log(
    `  iptables one-endpoint change at ${big.services} / at ${small.services}: ${ratioText(ichange(big.services), ichange(small.services), budgetMs)}`,
  );
  const replan = (n: number): number => med('nftables', n, (x) => x.replanMs);
  console.log(
    `  the speaker planner re-planning for the change (it remembers the plan before): ${fmt(replan(big.services), 1)} ms at ${big.services}, ${fmt(replan(small.services), 2)} ms at ${small.services}`,
  );
  console.log(
    `  in process, ${services} Services x ${endpoints} endpoints: the first plan (planDataplane, no memory) ${fmt(pure.planMs, 1)} ms; nftables renderFull ${fmt(pure.nftMs, 1)} ms; renderIptables ${fmt(pure.iptMs, 1)} ms (median of 5)`,
  );
  console.log(`  whole run: ${fmt((performance.now() - started) / 60_000, 1)} min`);
  console.log(`  reproduce: ${cmd} (root: it creates a network namespace)`);
}
