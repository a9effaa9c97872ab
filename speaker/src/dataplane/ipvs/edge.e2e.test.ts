/**
 * The IPVS edge against this machine's kernel, asserting whichever is true of it:
 * - no IPVS (no /proc/net/ip_vs, `modprobe ip_vs` fails): opening the edge fails with IPVS_UNAVAILABLE, in this
 *   process (the root namespace: a generic netlink query only, nothing is added) and in a fresh network namespace
 *   through the compiled probe; the controller itself answers (nlctrl resolves), so the failure is IPVS's absence;
 * - IPVS: in a fresh namespace the probe adds services with destinations and dumps them back as they were asked.
 * The namespace is deleted in afterAll, and with it any IPVS table the probe made.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { IPVS_UNAVAILABLE, openIpvs, rawGenericTransport, resolveFamily } from './edge';
import { GenlClient } from './genlClient';
import { PROBE_EXPECTED, PROBE_FORWARDS, type ProbeResult } from './probe';
import { GENL_ID_CTRL } from './uapi';

const run = promisify(execFile);
const PROBE_SRC = path.join(__dirname, 'probe.ts');
const PROBE_JS = path.resolve(__dirname, '..', '..', '..', 'dist', 'dataplane', 'ipvs', 'probe.js');
const NS = `ilbipvs${Math.floor(Math.random() * 36 ** 6)
  .toString(36)
  .padStart(6, '0')}`;

/** Whether this kernel has IPVS: loaded already, or loadable now (what the brief of the backend asks to try). */
function kernelHasIpvs(): boolean {
  if (fs.existsSync('/proc/net/ip_vs')) return true;
  try {
    execFileSync('modprobe', ['ip_vs'], { stdio: 'ignore' });
  } catch {
    return false; // no modprobe, no module, or not allowed
  }
  return fs.existsSync('/proc/net/ip_vs');
}

const HAS_IPVS = kernelHasIpvs();

async function probe(args: string[]): Promise<ProbeResult> {
  // `ip netns exec` execs node in its own process: the timeout ends that process by its pid if it ever hangs.
  const { stdout } = await run('ip', ['netns', 'exec', NS, process.execPath, PROBE_JS, ...args], { timeout: 30_000 });
  return JSON.parse(stdout) as ProbeResult;
}

beforeAll(async () => {
  await run('ip', ['netns', 'add', NS]);
  await run('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
});

afterAll(async () => {
  await run('ip', ['netns', 'del', NS]).catch(() => undefined);
});

test('the probe is built (npx tsc -b)', () => {
  expect({ probe: fs.existsSync(PROBE_JS), how: 'npx tsc -b' }).toEqual({ probe: true, how: 'npx tsc -b' });
  expect(fs.statSync(PROBE_JS).mtimeMs).toBeGreaterThanOrEqual(fs.statSync(PROBE_SRC).mtimeMs);
});

// Only the branch true of this kernel is defined (no skipped tests): the other could not pass here.
if (!HAS_IPVS)
  describe('this kernel has no IPVS', () => {
    test('the generic netlink controller answers (nlctrl is family 0x10): the socket works', async () => {
      const client = new GenlClient(rawGenericTransport());
      try {
        expect(await resolveFamily(client, 'nlctrl')).toBe(GENL_ID_CTRL);
      } finally {
        client.close();
      }
    });

    test('opening the IPVS edge fails with the documented error (root namespace, a query only)', async () => {
      await expect(openIpvs()).rejects.toThrow(IPVS_UNAVAILABLE);
      await expect(openIpvs()).rejects.toMatchObject({ name: 'IpvsUnavailableError' });
    });

    test('the same in a fresh network namespace, through the compiled probe', async () => {
      expect(await probe(['lookup'])).toEqual({ ok: false, name: 'IpvsUnavailableError', message: IPVS_UNAVAILABLE });
    });
  });

if (HAS_IPVS)
  describe('this kernel has IPVS', () => {
    test('in a fresh namespace, services and destinations are added and dumped back as asked', async () => {
      const r = await probe(['apply', JSON.stringify(PROBE_FORWARDS)]);
      expect(r).toMatchObject({ ok: true, failures: [] });
      expect(r.ok && r.dump).toEqual(PROBE_EXPECTED);
    });
  });
