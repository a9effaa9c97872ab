import { parseOptions } from './main';

describe('parseOptions: --log-level and --metrics-port', () => {
  const base = ['node', 'ironlb-controller'];
  it("info and 7472 (MetalLB's port) unless given; 0 means any free port", () => {
    expect(parseOptions(base)).toMatchObject({ logLevel: 'info', metricsPort: 7472 });
    expect(parseOptions([...base, '--log-level', 'warn', '--metrics-port', '0'])).toMatchObject({
      logLevel: 'warn',
      metricsPort: 0,
    });
  });

  it('the webhook on 9443 with self-made certificates unless told; 0 turns it off', () => {
    expect(parseOptions(base)).toMatchObject({
      webhookPort: 9443,
      webhookService: 'ironlb-webhook',
      webhookConfig: 'ironlb-validating',
      webhookSecret: 'ironlb-webhook-cert',
      webhookCertManager: false,
    });
    expect(
      parseOptions([...base, '--webhook-port', '0', '--webhook-service', 'hook', '--webhook-cert-manager']),
    ).toMatchObject({ webhookPort: 0, webhookService: 'hook', webhookCertManager: true });
  });

  it.each([
    ['--webhook-port', '65536', '"65536" is not a port (0-65535)'],
    ['--log-level', 'trace', "option '--log-level <level>' argument 'trace' is invalid"],
    ['--metrics-port', '-1', '"-1" is not a port (0-65535)'],
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
