import { AllocationError, ClusterIPAllocator, NodePortAllocator, ServiceIPs } from './allocators';
import { parseIP } from './net';

const first: (n: number) => number = () => 0;

describe('NodePortAllocator', () => {
  test('range checks and ownership', () => {
    const a = new NodePortAllocator();
    expect(a.rangeText).toBe('30000-32767');
    expect(() => a.allocate(8888, 'ns/a')).toThrow(
      'provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    a.allocate(30080, 'ns/a');
    expect(() => a.allocate(30080, 'ns/b')).toThrow('provided port is already allocated');
    a.release(30080, 'ns/b');
    expect(a.has(30080)).toBe(true);
    a.release(30080, 'ns/a');
    expect(a.has(30080)).toBe(false);
  });

  test('dynamic allocation prefers the upper band, then falls back to the static band', () => {
    const a = new NodePortAllocator([30000, 30039], first);
    // 40 ports: offset = max(16, 40/32) = 16, so the first dynamic pick is 30016.
    expect(a.allocateNext('x')).toBe(30016);
    for (let i = 0; i < 23; i++) a.allocateNext('x');
    expect(a.allocateNext('x')).toBe(30000);
  });

  test('full range', () => {
    const a = new NodePortAllocator([30000, 30001]);
    a.allocateNext('x');
    a.allocateNext('x');
    expect(() => a.allocateNext('x')).toThrow(AllocationError);
  });

  test('restore marks without throwing', () => {
    const a = new NodePortAllocator();
    a.restore(30001, 'a');
    a.restore(30001, 'b');
    a.restore(1, 'c');
    expect(a.ownerOf(30001)).toBe('a');
    expect(a.used).toBe(1);
  });

  test('random picks are spread and free', () => {
    const a = new NodePortAllocator();
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(a.allocateNext('x'));
    expect(seen.size).toBe(500);
    for (const p of seen) expect(a.contains(p)).toBe(true);
  });
});

describe('ClusterIPAllocator', () => {
  test('default IPv4 range, network address excluded', () => {
    const a = new ClusterIPAllocator('10.96.0.0/12', first);
    expect(a.rangeText).toBe('10.96.0.0/12');
    expect(a.contains('10.96.0.0')).toBe(false);
    expect(a.contains('10.111.255.255')).toBe(false);
    expect(a.contains('10.111.255.254')).toBe(true);
    // The first dynamic pick skips the 256-address static band.
    expect(a.allocateNext('ns/a')).toBe('10.96.1.1');
    expect(() => a.allocate('10.96.1.1', 'ns/b')).toThrow('provided IP is already allocated');
    expect(() => a.allocate('10.200.0.1', 'ns/b')).toThrow(
      'the provided IP (10.200.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    );
  });

  test('IPv6 range', () => {
    const a = new ClusterIPAllocator('2001:db8:fff::/108');
    const ip = a.allocateNext('x');
    expect(parseIP(ip)?.family).toBe('IPv6');
    expect(a.contains(ip)).toBe(true);
    expect(ip.startsWith('2001:db8:fff::')).toBe(true);
  });

  test('small range fills up', () => {
    const a = new ClusterIPAllocator('192.0.2.0/30');
    a.allocateNext('x');
    a.allocateNext('x');
    expect(() => a.allocateNext('x')).toThrow('range is full');
  });

  test('ServiceIPs knows its families', () => {
    expect(new ServiceIPs().dualStack).toBe(false);
    const ds = new ServiceIPs(['2001:db8:fff::/108', '10.96.0.0/12']);
    expect(ds.dualStack).toBe(true);
    expect(ds.primary).toBe('IPv6');
    expect(() => new ServiceIPs(['10.0.0.0/24', '10.1.0.0/24'])).toThrow();
  });
});
