// The edge and the sync against FakeKernel, which reads our messages and answers as ip_vs_ctl.c does.
import { formatIP } from '@ironlb/shared';
import { IPVS_UNAVAILABLE, IpvsUnavailableError, openIpvs, type IpvsEdge } from './edge';
import { NetlinkTimeoutError } from './genlClient';
import { FAKE_IPVS_FAMILY, FakeKernel } from './fakeKernel';
import { desiredState, type IpvsState } from './model';
import { splitMessages } from './netlink';
import { ipvsFailureText, resyncIpvs, updateIpvs } from './sync';
import { dest, forward, plan, service, state, virtual } from './testPlans';
import {
  CTRL_CMD_GETFAMILY,
  EAFNOSUPPORT,
  EEXIST,
  EINVAL,
  ENOENT,
  EPERM,
  ESRCH,
  IPVS_CMD_GET_SERVICE,
  IPVS_CMD_NEW_DEST,
  IPVS_CMD_NEW_SERVICE,
} from './uapi';

const opened: IpvsEdge[] = [];
async function open(kernel: FakeKernel): Promise<IpvsEdge> {
  const edge = await openIpvs({ transport: kernel, order: 'LE' });
  opened.push(edge);
  return edge;
}
afterEach(() => {
  for (const e of opened.splice(0)) e.close();
});

const web = service('198.51.100.10', 'TCP', 80);
const a = dest('203.0.113.1', 8080);
const b = dest('203.0.113.2', 8080);

describe('openIpvs', () => {
  test('resolves the IPVS family through the controller', async () => {
    const kernel = new FakeKernel();
    const edge = await open(kernel);
    expect(edge.family).toBe(FAKE_IPVS_FAMILY);
    const [req] = splitMessages(kernel.sent[0], 'LE');
    expect({ type: req.type, cmd: req.payload[0] }).toEqual({ type: 0x10, cmd: CTRL_CMD_GETFAMILY });
  });

  test('a kernel without IPVS: IpvsUnavailableError with the words the operator needs, and the socket closed', async () => {
    const kernel = new FakeKernel({ ipvs: false });
    const err = await openIpvs({ transport: kernel, order: 'LE' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IpvsUnavailableError);
    expect((err as Error).message).toBe(
      'IPVS is not available in this kernel (generic netlink family "IPVS" not found): load the ip_vs module, or run with --dataplane nftables',
    );
    expect((err as Error).message).toBe(IPVS_UNAVAILABLE);
    expect(kernel.closed).toBe(true);
  });

  test('another failure of the lookup is passed on as it is', async () => {
    jest.useFakeTimers();
    try {
      const kernel = new FakeKernel({ silentOn: [CTRL_CMD_GETFAMILY] });
      const p = openIpvs({ transport: kernel, order: 'LE', timeoutMs: 1000 });
      jest.advanceTimersByTime(1000);
      await expect(p).rejects.toThrow(NetlinkTimeoutError);
      expect(kernel.closed).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('apply and dump', () => {
  test('commands reach the kernel table; the dump reads it back (16-byte addresses, HASHED, statistics)', async () => {
    const kernel = new FakeKernel({ perDatagram: 2 });
    const edge = await open(kernel);
    const desired = desiredState(
      plan(
        forward('198.51.100.10', 'TCP', 80, [
          ['203.0.113.1', 8080],
          ['203.0.113.2', 8080],
        ]),
        forward('198.51.100.10', 'UDP', 53, [['203.0.113.3', 5353]], { affinitySec: 10800 }),
        forward('2001:db8::10', 'SCTP', 3868, [['2001:db8:1::5', 3868]], { affinitySec: 30 }),
        forward('198.51.100.11', 'TCP', 443, []),
        forward('198.51.100.12', 'TCP', 443, [['203.0.113.4', 443]]),
      ),
    );
    expect(await updateIpvs(edge, new Map(), desired)).toMatchObject({ failures: [] });
    expect(kernel.table.size).toBe(5);
    const { state: dumped, foreign } = await edge.dump();
    expect(dumped).toEqual(desired);
    expect(foreign).toEqual([]);
  });

  test('an empty table dumps empty', async () => {
    const edge = await open(new FakeKernel());
    expect(await edge.dump()).toEqual({ state: new Map(), foreign: [] });
  });

  test('a refused command is reported with its errno and the rest still go', async () => {
    const kernel = new FakeKernel({ refuse: (cmd) => (cmd === IPVS_CMD_NEW_DEST ? EINVAL : undefined) });
    const edge = await open(kernel);
    const failures = await edge.apply([
      { op: 'newService', service: web },
      { op: 'newDest', service: web, dest: a },
      { op: 'newService', service: service('198.51.100.11', 'TCP', 80) },
    ]);
    expect(failures).toEqual([{ command: { op: 'newDest', service: web, dest: a }, errno: EINVAL }]);
    expect([...kernel.table.keys()].sort()).toEqual(['198.51.100.10 TCP 80', '198.51.100.11 TCP 80']);
  });

  test('a command that is not answered stops the list (timeout)', async () => {
    const kernel = new FakeKernel({ silentOn: [IPVS_CMD_NEW_SERVICE] });
    const edge = await open(kernel);
    jest.useFakeTimers();
    try {
      const p = edge.apply([{ op: 'newService', service: web }]);
      jest.advanceTimersByTime(5000);
      await expect(p).rejects.toThrow(NetlinkTimeoutError);
    } finally {
      jest.useRealTimers();
    }
  });

  test('a refused dump rejects', async () => {
    const edge = await open(new FakeKernel({ refuse: (cmd) => (cmd === IPVS_CMD_GET_SERVICE ? EPERM : undefined) }));
    await expect(edge.dump()).rejects.toMatchObject({ errno: EPERM });
  });
});

describe('resync', () => {
  /** A kernel holding `initial`, put there by commands as anyone would. */
  async function kernelWith(initial: IpvsState): Promise<{ kernel: FakeKernel; edge: IpvsEdge }> {
    const kernel = new FakeKernel();
    const edge = await open(kernel);
    expect((await updateIpvs(edge, new Map(), initial)).failures).toEqual([]);
    return { kernel, edge };
  }

  test('drift on our addresses is repaired; services on other addresses are left alone', async () => {
    const theirs = virtual(service('198.51.100.99', 'TCP', 80), dest('203.0.113.9', 80));
    const stale = virtual(service('198.51.100.20', 'UDP', 53), a); // ours once: the address is on our link
    const drifted = virtual({ ...web, scheduler: 'wlc' }, dest('203.0.113.1', 8080, { weight: 0 }));
    const { kernel, edge } = await kernelWith(state(theirs, stale, drifted));
    const desired = state(virtual(web, a, b));
    const result = await resyncIpvs(edge, desired, new Set(['198.51.100.20']));
    expect(result.failures).toEqual([]);
    expect(result.commands.map((c) => c.op)).toEqual(['setService', 'newDest', 'setDest', 'delService']);
    const after = (await edge.dump()).state;
    expect(after).toEqual(state(virtual(web, a, b), theirs));
    expect(kernel.table.has('198.51.100.99 TCP 80')).toBe(true);
  });

  test('in sync: no command', async () => {
    const desired = state(virtual(web, a));
    const { edge } = await kernelWith(desired);
    expect((await resyncIpvs(edge, desired, new Set())).commands).toEqual([]);
  });

  test('the desired VIPs are ours even when the caller does not list them', async () => {
    const { edge } = await kernelWith(state(virtual(web, a, b)));
    const other = service('198.51.100.10', 'TCP', 8443);
    const result = await resyncIpvs(edge, state(virtual(other)), new Set());
    expect(result.commands.map((c) => `${c.op} ${formatIP(c.op === 'flush' ? web.addr : c.service.addr)}`)).toEqual([
      'newService 198.51.100.10',
      'delService 198.51.100.10',
    ]);
  });

  test('after a failed update, a resync finishes the work', async () => {
    let refuse = true;
    const kernel = new FakeKernel({ refuse: (cmd) => (refuse && cmd === IPVS_CMD_NEW_DEST ? EINVAL : undefined) });
    const edge = await open(kernel);
    const desired = state(virtual(web, a, b));
    const first = await updateIpvs(edge, new Map(), desired);
    expect(first.failures.length).toBe(2);
    refuse = false;
    const second = await resyncIpvs(edge, desired, new Set());
    expect(second.commands.map((c) => c.op)).toEqual(['newDest', 'newDest']);
    expect((await edge.dump()).state).toEqual(desired);
  });
});

describe('ipvsFailureText', () => {
  const ext = service('198.51.100.10', 'TCP', 80, { scheduler: 'rr' });
  test.each([
    [{ op: 'newService', service: ext }, EEXIST, 'IPVS newService 198.51.100.10 TCP 80: it already exists'],
    [{ op: 'delService', service: ext }, ESRCH, 'IPVS delService 198.51.100.10 TCP 80: no such virtual service'],
    [
      { op: 'newService', service: ext },
      ENOENT,
      'IPVS newService 198.51.100.10 TCP 80: no scheduler "rr" (load the ip_vs_rr module)',
    ],
    [
      { op: 'delDest', service: ext, dest: a },
      ENOENT,
      'IPVS delDest 203.0.113.1 8080 of 198.51.100.10 TCP 80: no such destination',
    ],
    [{ op: 'flush' }, EPERM, 'IPVS flush: not permitted (IPVS needs CAP_NET_ADMIN)'],
    [
      { op: 'newService', service: service('2001:db8::10', 'UDP', 53) },
      EAFNOSUPPORT,
      'IPVS newService 2001:db8::10 UDP 53: address family not supported (IPv6 needs a kernel with CONFIG_IP_VS_IPV6)',
    ],
    [
      { op: 'setDest', service: ext, dest: a },
      EINVAL,
      'IPVS setDest 203.0.113.1 8080 of 198.51.100.10 TCP 80: the kernel refused it as invalid',
    ],
    [{ op: 'setService', service: ext }, 12, 'IPVS setService 198.51.100.10 TCP 80: errno 12'],
  ] as const)('%j errno %d', (command, errno, text) => {
    expect(ipvsFailureText({ command, errno })).toBe(text);
  });
});
