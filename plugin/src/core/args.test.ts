import { parseArgs, UsageError } from './args';

const defaults = { ironlbNamespace: 'ironlb-system', lbClass: 'ironlb.io/ironlb' };

describe('parseArgs', () => {
  it('reads explain with every spelling of a Service and of the flags', () => {
    expect(parseArgs(['explain', 'svc/web', '-n', 'apps', '-o', 'yaml'])).toEqual({
      kind: 'explain',
      name: 'web',
      output: 'yaml',
      namespace: 'apps',
      ...defaults,
    });
    expect(
      parseArgs([
        '--kubeconfig=/k',
        'explain',
        'service/web',
        '--context',
        'c',
        '--ironlb-namespace',
        'lb',
        '--namespace=x',
      ]),
    ).toEqual({
      kind: 'explain',
      name: 'web',
      output: 'text',
      kubeconfig: '/k',
      context: 'c',
      namespace: 'x',
      ironlbNamespace: 'lb',
      lbClass: 'ironlb.io/ironlb',
    });
    expect(parseArgs(['explain', 'web'])).toMatchObject({ name: 'web' });
    expect(parseArgs(['explain', 'services/web'])).toMatchObject({ name: 'web' });
  });

  it('reads status and its outputs; help with no command', () => {
    expect(parseArgs(['status', '-o', 'wide'])).toEqual({ kind: 'status', output: 'wide', ...defaults });
    expect(parseArgs([])).toEqual({ kind: 'help' });
    expect(parseArgs(['status', '--help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['explain', 'deploy/web'], 'explain takes a Service (svc/NAME), not "deploy/web"'],
    [['explain', 'svc/'], '"svc/" names no Service'],
    [['explain'], 'explain takes one Service: kubectl ironlb explain svc/NAME'],
    [['explain', 'svc/a', '-o', 'wide'], 'explain: unknown output format "wide" (json, yaml)'],
    [['status', 'x'], 'status takes no arguments, got "x"'],
    [['status', '-o', 'name'], 'status: unknown output format "name" (wide, json, yaml)'],
    [['status', '-n'], 'flag needs an argument: -n'],
    [['status', '--bogus'], 'unknown flag: --bogus'],
    [['describe'], 'unknown command "describe" (explain, status)'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(new UsageError(message));
  });
});
