import { mustParseIP } from '@ironlb/shared';
import {
  BgpSocketOptionError,
  checkAddress,
  checkConnectOptions,
  checkListenOptions,
  checkPeerKey,
  type Address,
  type ConnectOptions,
  type ListenOptions,
} from './options';

const SECRET = 'hunter2-do-not-log';

/** The error a bad option gives, checked for its class, code and that no password leaks into it. */
function optionError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(BgpSocketOptionError);
    expect((e as BgpSocketOptionError).code).toBe('ERR_BGP_SOCKET_OPTION');
    expect((e as Error).message).not.toContain(SECRET);
    return (e as Error).message;
  }
  throw new Error('no error');
}

const connect = (o: Partial<ConnectOptions>) => checkConnectOptions({ peerAddress: '198.51.100.1', ...o });
const listen = (o: Partial<ListenOptions>) => checkListenOptions({ address: '198.51.100.2', ...o });

describe('checkAddress', () => {
  test.each([
    ['198.51.100.7', '198.51.100.7', 4, false],
    ['0.0.0.0', '0.0.0.0', 4, true],
    ['2001:DB8:0:0::1', '2001:db8::1', 6, false],
    ['::', '::', 6, true],
  ])('%s', (input, text, family, unspecified) => {
    expect(checkAddress('a', input)).toEqual({ text, family, unspecified });
  });

  test('a ParsedIP is taken as the string would be', () => {
    expect(checkAddress('a', mustParseIP('2001:db8::5'))).toEqual({
      text: '2001:db8::5',
      family: 6,
      unspecified: false,
    });
    expect(checkAddress('a', mustParseIP('203.0.113.9'))).toEqual({
      text: '203.0.113.9',
      family: 4,
      unspecified: false,
    });
  });

  test.each([
    ['not an address', 'peer', 'peer is not an IPv4 or IPv6 address'],
    ['a zone', '2001:db8::1%eth0', 'peer is not an IPv4 or IPv6 address'],
    ['leading zeros', '198.51.100.07', 'peer is not an IPv4 or IPv6 address'],
    ['a number', 3325256705, 'peer is not an IPv4 or IPv6 address'],
    ['null', null, 'peer is not an IPv4 or IPv6 address'],
    ['a ParsedIP out of range', { family: 'IPv4', value: 2n ** 32n }, 'peer is not an IPv4 or IPv6 address'],
    ['a ParsedIP with a negative value', { family: 'IPv6', value: -1n }, 'peer is not an IPv4 or IPv6 address'],
    ['a ParsedIP of no family', { family: 'IPv5', value: 1n }, 'peer is not an IPv4 or IPv6 address'],
    ['a ParsedIP with a number value', { family: 'IPv4', value: 1 }, 'peer is not an IPv4 or IPv6 address'],
    ['IPv4-mapped', '::ffff:198.51.100.1', 'peer is an IPv4-mapped IPv6 address: give the IPv4 one'],
    ['link-local', 'fe80::1', 'peer is an IPv6 link-local address'],
    ['link-local, top of fe80::/10', 'febf::1', 'peer is an IPv6 link-local address'],
  ])('refuses %s', (_what, input, message) => {
    expect(optionError(() => checkAddress('peer', input))).toBe(message);
  });

  test('fec0:: is outside fe80::/10', () => {
    expect(checkAddress('a', 'fec0::1').family).toBe(6);
  });
});

describe('checkConnectOptions', () => {
  test('defaults: port 179, no bind, 30 s', () => {
    expect(connect({})).toEqual({ family: 4, peerAddress: '198.51.100.1', peerPort: 179, timeoutMs: 30_000 });
  });

  test('every option', () => {
    const plan = connect({
      peerAddress: '2001:db8::2',
      peerPort: 1179,
      sourceAddress: '2001:db8::1',
      sourcePort: 50179,
      md5Password: 'pässword',
      ttl: 255,
      minTtl: 254,
      device: 'vrf-red',
      timeoutMs: 5000,
      signal: new AbortController().signal,
    });
    expect(plan).toEqual({
      family: 6,
      peerAddress: '2001:db8::2',
      peerPort: 1179,
      bind: { address: '2001:db8::1', port: 50179 },
      md5: { address: '2001:db8::2', key: Buffer.from('pässword', 'utf8') },
      ttl: 255,
      minTtl: 254,
      device: 'vrf-red',
      timeoutMs: 5000,
    });
  });

  test('a source address binds port 0; a source port alone binds the unspecified address', () => {
    expect(connect({ sourceAddress: '198.51.100.9' }).bind).toEqual({ address: '198.51.100.9', port: 0 });
    expect(connect({ sourcePort: 1790 }).bind).toEqual({ address: '0.0.0.0', port: 1790 });
    expect(connect({ peerAddress: '2001:db8::1', sourcePort: 1790 }).bind).toEqual({ address: '::', port: 1790 });
    expect(connect({ sourcePort: 0 }).bind).toBeUndefined();
  });

  test('options given as undefined are as absent', () => {
    expect(connect({ ttl: undefined, minTtl: undefined, device: undefined, md5Password: undefined })).toEqual(
      connect({}),
    );
  });

  test('a password of exactly 80 bytes, and one of 1', () => {
    expect(connect({ md5Password: 'x'.repeat(80) }).md5?.key.length).toBe(80);
    expect(connect({ md5Password: 'x' }).md5?.key.length).toBe(1);
    expect(connect({ md5Password: 'é'.repeat(40) }).md5?.key.length).toBe(80); // bytes, not characters
  });

  test.each<[string, Partial<ConnectOptions> | unknown, string]>([
    ['no object', null, 'connect options must be an object'],
    ['an unspecified peer', { peerAddress: '0.0.0.0' }, 'peerAddress must not be the unspecified address'],
    ['peer port 0', { peerPort: 0 }, 'peerPort must be an integer from 1 to 65535'],
    ['peer port 65536', { peerPort: 65536 }, 'peerPort must be an integer from 1 to 65535'],
    ['a fractional port', { peerPort: 179.5 }, 'peerPort must be an integer from 1 to 65535'],
    ['a port as text', { peerPort: '179' }, 'peerPort must be an integer from 1 to 65535'],
    ['a negative source port', { sourcePort: -1 }, 'sourcePort must be an integer from 0 to 65535'],
    ['a bad source', { sourceAddress: 'x' }, 'sourceAddress is not an IPv4 or IPv6 address'],
    ['mixed families', { sourceAddress: '2001:db8::1' }, 'sourceAddress is IPv6 but peerAddress is IPv4'],
    ['an empty password', { md5Password: '' }, 'md5Password must be 1 to 80 bytes of UTF-8 (the value is not shown)'],
    [
      'an 81-byte password',
      { md5Password: SECRET + 'x'.repeat(81 - SECRET.length) },
      'md5Password must be 1 to 80 bytes of UTF-8 (the value is not shown)',
    ],
    ['a password not a string', { md5Password: 42 }, 'md5Password must be a string'],
    ['ttl 0', { ttl: 0 }, 'ttl must be an integer from 1 to 255'],
    ['ttl 256', { ttl: 256 }, 'ttl must be an integer from 1 to 255'],
    ['ttl NaN', { ttl: NaN }, 'ttl must be an integer from 1 to 255'],
    ['minTtl 0', { minTtl: 0 }, 'minTtl must be an integer from 1 to 255'],
    ['minTtl 256', { minTtl: 256 }, 'minTtl must be an integer from 1 to 255'],
    ['timeout 0', { timeoutMs: 0 }, 'timeoutMs must be an integer from 1 to 2147483647'],
    ['timeout too long for a timer', { timeoutMs: 2 ** 31 }, 'timeoutMs must be an integer from 1 to 2147483647'],
    ['signal not a signal', { signal: {} }, 'signal must be an AbortSignal'],
  ])('refuses %s', (_what, o, message) => {
    const opts = o === null ? (null as unknown as ConnectOptions) : (o as Partial<ConnectOptions>);
    expect(optionError(() => (opts === null ? checkConnectOptions(opts) : connect(opts)))).toBe(message);
  });

  const DEVICE_MESSAGE = "device must be an interface name of 1 to 15 bytes without '/', ':' or spaces";
  test.each([[''], ['a/b'], ['eth0:1'], ['eth 0'], ['.'], ['..'], ['x'.repeat(16)], [7]])('refuses device %j', (d) => {
    expect(optionError(() => connect({ device: d as string }))).toBe(DEVICE_MESSAGE);
  });

  test.each([['eth0'], ['x'.repeat(15)], ['vrf-blue'], ['.x']])('takes device %j', (d) => {
    expect(connect({ device: d }).device).toBe(d);
  });
});

describe('checkListenOptions', () => {
  test('defaults: port 179, no keys, backlog 64', () => {
    expect(listen({})).toEqual({ family: 4, address: '198.51.100.2', port: 179, keys: [], backlog: 64 });
  });

  test('every option; keys from a Map or an object, canonical addresses', () => {
    const fromObject = checkListenOptions({
      address: '::',
      port: 0,
      keys: { '2001:DB8::1': 'one', '2001:db8::2': 'two' },
      ttl: 255,
      minTtl: 255,
      device: 'eth0',
      backlog: 8,
    });
    expect(fromObject).toEqual({
      family: 6,
      address: '::',
      port: 0,
      keys: [
        { address: '2001:db8::1', key: Buffer.from('one') },
        { address: '2001:db8::2', key: Buffer.from('two') },
      ],
      ttl: 255,
      minTtl: 255,
      device: 'eth0',
      backlog: 8,
    });
    const fromMap = listen({ keys: new Map([[mustParseIP('198.51.100.1'), 'one']]) });
    expect(fromMap.keys).toEqual([{ address: '198.51.100.1', key: Buffer.from('one') }]);
  });

  test.each<[string, Partial<ListenOptions> | null, string]>([
    ['no object', null, 'listen options must be an object'],
    ['a bad address', { address: 'here' }, 'address is not an IPv4 or IPv6 address'],
    ['port -1', { port: -1 }, 'port must be an integer from 0 to 65535'],
    ['backlog 0', { backlog: 0 }, 'backlog must be an integer from 1 to 65535'],
    [
      'keys not an object',
      { keys: 'x' as unknown as ListenOptions['keys'] },
      'keys must be a Map or an object of address: password',
    ],
    [
      'a key of the other family',
      { keys: { '2001:db8::1': 'x' } },
      'the key for 2001:db8::1 is IPv6 but the listener is IPv4',
    ],
    [
      'a key for the unspecified address',
      { keys: { '0.0.0.0': 'x' } },
      "a key's peer address must not be the unspecified address",
    ],
    ['a key for no address', { keys: { peer1: SECRET } }, "a key's peer address is not an IPv4 or IPv6 address"],
    [
      'an empty password',
      { keys: { '198.51.100.1': '' } },
      'the password for 198.51.100.1 must be 1 to 80 bytes of UTF-8 (the value is not shown)',
    ],
    [
      'a long password',
      { keys: { '198.51.100.1': SECRET.repeat(10) } },
      'the password for 198.51.100.1 must be 1 to 80 bytes of UTF-8 (the value is not shown)',
    ],
    [
      'two spellings of one peer',
      {
        keys: new Map<Address, string>([
          ['198.51.100.1', 'a'],
          [mustParseIP('198.51.100.1'), 'b'],
        ]),
      },
      'two keys for 198.51.100.1',
    ],
    ['ttl 0', { ttl: 0 }, 'ttl must be an integer from 1 to 255'],
    ['minTtl 300', { minTtl: 300 }, 'minTtl must be an integer from 1 to 255'],
    ['a bad device', { device: 'a b' }, "device must be an interface name of 1 to 15 bytes without '/', ':' or spaces"],
  ])('refuses %s', (_what, o, message) => {
    expect(optionError(() => (o === null ? checkListenOptions(o as unknown as ListenOptions) : listen(o)))).toBe(
      message,
    );
  });
});

describe('checkPeerKey', () => {
  test('canonical address and key bytes', () => {
    expect(checkPeerKey(6, '2001:db8:0::7', 'k')).toEqual({ address: '2001:db8::7', key: Buffer.from('k') });
  });
  test('the family must match the listener', () => {
    expect(optionError(() => checkPeerKey(6, '198.51.100.1', 'k'))).toBe(
      'the key for 198.51.100.1 is IPv4 but the listener is IPv6',
    );
  });
});
