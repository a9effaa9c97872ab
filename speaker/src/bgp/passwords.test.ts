import { SecretPasswords, type SecretReader } from './passwords';

interface Pending {
  readonly namespace: string;
  readonly name: string;
  resolve(v: Awaited<ReturnType<SecretReader>>): void;
  reject(e: unknown): void;
}

function setup() {
  const reads: Pending[] = [];
  let now = 1_000;
  let changes = 0;
  const read: SecretReader = (namespace, name) =>
    new Promise((resolve, reject) => reads.push({ namespace, name, resolve, reject }));
  const source = new SecretPasswords({
    read,
    namespace: 'ironlb-system',
    changed: () => changes++,
    now: () => now,
    refreshMs: 60_000,
    retryMs: 5_000,
  });
  return {
    source,
    reads,
    advance: (ms: number) => (now += ms),
    changes: () => changes,
  };
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('SecretPasswords', () => {
  it('pending until the Secret is read, then the password; one read however often it is asked', async () => {
    const t = setup();
    expect(t.source.lookup({ name: 'tor-md5' })).toEqual({ state: 'pending' });
    expect(t.source.lookup({ name: 'tor-md5' })).toEqual({ state: 'pending' });
    expect(t.reads.map((r) => `${r.namespace}/${r.name}`)).toEqual(['ironlb-system/tor-md5']);
    t.reads[0].resolve({ data: { password: b64('s3cret') } });
    await settle();
    expect(t.changes()).toBe(1);
    expect(t.source.lookup({ name: 'tor-md5' })).toEqual({ state: 'ready', password: 's3cret' });
    expect(t.reads).toHaveLength(1);
  });

  it("a reference's own namespace is read", () => {
    const t = setup();
    t.source.lookup({ name: 'x', namespace: 'net' });
    expect(t.reads.map((r) => `${r.namespace}/${r.name}`)).toEqual(['net/x']);
  });

  it('failures say why without the password, and are read again after retryMs', async () => {
    const t = setup();
    t.source.lookup({ name: 'a' });
    t.reads[0].resolve(undefined);
    t.source.lookup({ name: 'b' });
    t.reads[1].resolve({ data: { other: b64('x') } });
    t.source.lookup({ name: 'c' });
    t.reads[2].reject(new Error('connection refused'));
    await settle();
    expect(t.source.lookup({ name: 'a' })).toEqual({
      state: 'failed',
      problem: 'Secret ironlb-system/a does not exist',
    });
    expect(t.source.lookup({ name: 'b' })).toEqual({
      state: 'failed',
      problem: 'Secret ironlb-system/b has no key "password"',
    });
    expect(t.source.lookup({ name: 'c' })).toEqual({
      state: 'failed',
      problem: 'cannot read Secret ironlb-system/c: connection refused',
    });
    expect(t.reads).toHaveLength(3);
    t.advance(4_999);
    t.source.lookup({ name: 'a' });
    expect(t.reads).toHaveLength(3);
    t.advance(1);
    t.source.lookup({ name: 'a' });
    expect(t.reads).toHaveLength(4);
    t.reads[3].resolve({ data: { password: b64('late') } });
    await settle();
    expect(t.source.lookup({ name: 'a' })).toEqual({ state: 'ready', password: 'late' });
  });

  it('a password is re-read after refreshMs, the old one served meanwhile; changed only when it differs', async () => {
    const t = setup();
    t.source.lookup({ name: 'a' });
    t.reads[0].resolve({ data: { password: b64('one') } });
    await settle();
    t.advance(59_999);
    t.source.lookup({ name: 'a' });
    expect(t.reads).toHaveLength(1);
    t.advance(1);
    expect(t.source.lookup({ name: 'a' })).toEqual({ state: 'ready', password: 'one' });
    expect(t.reads).toHaveLength(2);
    t.reads[1].resolve({ data: { password: b64('one') } });
    await settle();
    expect(t.changes()).toBe(1);
    t.advance(60_000);
    t.source.lookup({ name: 'a' });
    t.reads[2].resolve({ data: { password: b64('two') } });
    await settle();
    expect(t.changes()).toBe(2);
    expect(t.source.lookup({ name: 'a' })).toEqual({ state: 'ready', password: 'two' });
  });
});
