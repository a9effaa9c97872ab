/**
 * The VIP link with the real `ip`, in a fresh network namespace (deleted in afterAll). Whether this kernel has the
 * dummy link type is found out first, in a namespace of its own: with it, ensure() makes ironlb-ipvs0 (a down dummy); without it,
 * ensure() fails with DUMMY_UNAVAILABLE and the address functions are run on a stand-in (a veth in the namespace).
 * Either way the VIPs must become local routes (table local), which is what IPVS needs, on a link left down.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mustParseIP } from '@ironlb/shared';
import { DUMMY_UNAVAILABLE, ipCommandVipLink, parseLinkKind, syncVips, VIP_LINK, type VipLink } from './vipLink';

const run = promisify(execFile);
const NS = `ilbvip${Math.floor(Math.random() * 36 ** 6)
  .toString(36)
  .padStart(6, '0')}`;
const ip = async (...args: string[]): Promise<string> => (await run('ip', ['-n', NS, ...args])).stdout;

/** Whether this kernel can make a dummy link: tried in a namespace of its own, deleted at once. */
function dummyTypeAvailable(): boolean {
  const probeNs = `${NS}d`;
  execFileSync('ip', ['netns', 'add', probeNs]);
  try {
    execFileSync('ip', ['-n', probeNs, 'link', 'add', 'probe0', 'type', 'dummy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    execFileSync('ip', ['netns', 'del', probeNs]);
  }
}

const HAS_DUMMY = dummyTypeAvailable();
let link: VipLink;

beforeAll(async () => {
  await run('ip', ['netns', 'add', NS]);
  if (HAS_DUMMY) link = ipCommandVipLink({ netns: NS });
  else {
    await ip('link', 'add', 'stand0', 'type', 'veth', 'peer', 'name', 'stand1');
    link = ipCommandVipLink({ netns: NS, name: 'stand0' });
  }
});

afterAll(async () => {
  await run('ip', ['netns', 'del', NS]).catch(() => undefined);
});

const localRoutes = async (): Promise<string[]> =>
  [
    ...(await ip('route', 'show', 'table', 'local')).split('\n'),
    ...(await ip('-6', 'route', 'show', 'table', 'local')).split('\n'),
  ]
    .filter((l) => l.startsWith('local ') && !l.startsWith('local 127.') && !l.startsWith('local ::1'))
    .map((l) => l.split(' ').slice(0, 4).join(' '));

// Only the case true of this kernel is defined (no skipped tests).
if (HAS_DUMMY)
  test(`this kernel has the dummy type: ensure() makes ${VIP_LINK}, down, and is idempotent`, async () => {
    await ipCommandVipLink({ netns: NS }).ensure();
    await ipCommandVipLink({ netns: NS }).ensure();
    const shown = await ip('-d', '-j', 'link', 'show', 'dev', VIP_LINK);
    expect(parseLinkKind(shown)).toBe('dummy');
    expect((JSON.parse(shown) as { operstate: string }[])[0].operstate).toBe('DOWN');
  });
else
  test('this kernel has no dummy type: ensure() fails with the documented error, and makes nothing', async () => {
    await expect(ipCommandVipLink({ netns: NS }).ensure()).rejects.toThrow(DUMMY_UNAVAILABLE);
    await expect(ip('link', 'show', 'dev', VIP_LINK)).rejects.toThrow();
  });

test(`VIPs added, listed and removed on ${HAS_DUMMY ? VIP_LINK : 'a stand-in veth (no dummy type here)'}; each a local route while the link is down`, async () => {
  const v4 = mustParseIP('198.51.100.10');
  const v4b = mustParseIP('198.51.100.11');
  const v6 = mustParseIP('2001:db8::10');
  await syncVips(link, [v4, v6]);
  await link.add(v4); // idempotent
  expect(await link.addresses()).toEqual([v4, v6]);
  expect((await localRoutes()).sort()).toEqual(
    [`local 198.51.100.10 dev ${link.name}`, `local 2001:db8::10 dev ${link.name}`].sort(),
  );
  await syncVips(link, [v4b]);
  expect(await link.addresses()).toEqual([v4b]);
  expect(await localRoutes()).toEqual([`local 198.51.100.11 dev ${link.name}`]);
  await link.remove(v4b);
  await link.remove(v4b); // idempotent
  expect(await link.addresses()).toEqual([]);
  expect(await localRoutes()).toEqual([]);
});

test('destroy removes the link, and is idempotent', async () => {
  await link.destroy();
  await link.destroy();
  await expect(ip('link', 'show', 'dev', link.name)).rejects.toThrow();
});
