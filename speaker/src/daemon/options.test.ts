import { parseOptions } from './main';

describe('parseOptions: --bgp-port', () => {
  it('is 179 unless given; 0 means no listening socket', () => {
    expect(parseOptions(['node', 'ironlb-speaker', '--node-name', 'node1']).bgpPort).toBe(179);
    expect(parseOptions(['node', 'ironlb-speaker', '--node-name', 'node1', '--bgp-port', '0']).bgpPort).toBe(0);
    expect(parseOptions(['node', 'ironlb-speaker', '--node-name', 'node1', '--bgp-port', '1179']).bgpPort).toBe(1179);
  });
});

describe('parseOptions: --bgp-restart-time', () => {
  const base = ['node', 'ironlb-speaker', '--node-name', 'node1'];
  it('is 120 s unless given', () => {
    expect(parseOptions(base).bgpRestartTime).toBe(120);
    expect(parseOptions([...base, '--bgp-restart-time', '15']).bgpRestartTime).toBe(15);
    expect(parseOptions([...base, '--bgp-restart-time', '4095']).bgpRestartTime).toBe(4095);
  });

  it.each(['0', '4096', '1.5', 'soon'])('refuses %s, naming the range', (v) => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('exit');
    });
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => parseOptions([...base, '--bgp-restart-time', v])).toThrow('exit');
      expect(String(err.mock.calls[0]?.[0])).toContain(`"${v}" is not an integer from 1 to 4095`);
    } finally {
      exit.mockRestore();
      err.mockRestore();
    }
  });
});

describe('parseOptions: --log-level and --metrics-port', () => {
  const base = ['node', 'ironlb-speaker', '--node-name', 'node1'];
  it("info and 7472 (MetalLB's port) unless given; 0 means any free port", () => {
    expect(parseOptions(base)).toMatchObject({ logLevel: 'info', metricsPort: 7472 });
    expect(parseOptions([...base, '--log-level', 'debug', '--metrics-port', '0'])).toMatchObject({
      logLevel: 'debug',
      metricsPort: 0,
    });
  });

  it.each([
    ['--log-level', 'verbose', "option '--log-level <level>' argument 'verbose' is invalid"],
    ['--metrics-port', '65536', '"65536" is not an integer from 0 to 65535'],
  ])('refuses %s %s, naming the flag or the range', (flag, v, message) => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('exit');
    });
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => parseOptions([...base, flag, v])).toThrow('exit');
      expect(String(err.mock.calls[0]?.[0])).toContain(message);
    } finally {
      exit.mockRestore();
      err.mockRestore();
    }
  });
});
