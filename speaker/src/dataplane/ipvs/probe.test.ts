// The probe the e2e test runs in a namespace, here against FakeKernel: the same arguments, the same output.
import { FAKE_IPVS_FAMILY, FakeKernel } from './fakeKernel';
import { IPVS_UNAVAILABLE } from './edge';
import { PROBE_EXPECTED, PROBE_FORWARDS, probeServices, probeState, runProbe } from './probe';
import { IPVS_CMD_NEW_SERVICE } from './uapi';

test('the expected dump is what the model makes of the forwards', () => {
  expect(probeServices(probeState(PROBE_FORWARDS))).toEqual(PROBE_EXPECTED);
});

test('apply: the forwards go in and come back out of the (fake) kernel as expected', async () => {
  const r = await runProbe(['apply', JSON.stringify(PROBE_FORWARDS)], { transport: new FakeKernel(), order: 'LE' });
  expect(r).toEqual({ ok: true, family: FAKE_IPVS_FAMILY, failures: [], dump: PROBE_EXPECTED });
});

test('lookup: the family, or the error', async () => {
  expect(await runProbe(['lookup'], { transport: new FakeKernel(), order: 'LE' })).toEqual({
    ok: true,
    family: FAKE_IPVS_FAMILY,
    failures: [],
    dump: [],
  });
  expect(await runProbe(['lookup'], { transport: new FakeKernel({ ipvs: false }), order: 'LE' })).toEqual({
    ok: false,
    name: 'IpvsUnavailableError',
    message: IPVS_UNAVAILABLE,
  });
});

test('refused commands are listed', async () => {
  const kernel = new FakeKernel({ refuse: (cmd) => (cmd === IPVS_CMD_NEW_SERVICE ? 2 : undefined) });
  const r = await runProbe(['apply', JSON.stringify(PROBE_FORWARDS.slice(2, 3))], { transport: kernel, order: 'LE' });
  expect(r).toEqual({ ok: true, family: FAKE_IPVS_FAMILY, failures: ['newService errno 2'], dump: [] });
});
