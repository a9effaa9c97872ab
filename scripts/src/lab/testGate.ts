// labTestGate: how every lab test file in the project decides whether to run. Lab tests need root
// (network namespaces). As root or in CI (CI=true) they run for real and fail loudly when a tool is
// missing; elsewhere (a developer's unprivileged shell) the file registers one test that says why
// nothing ran, instead of silently skipping.
import { toolsFor, missingToolsMessage } from './preflight';
import type { RouterKind } from './plan';

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** Why lab tests cannot run here, or undefined when they must run. */
export function labSkipReason(): string | undefined {
  if (isRoot() || process.env.CI === 'true') return undefined;
  return 'lab tests need root (network namespaces); run `sudo npm test`, or set CI=true to make them mandatory';
}

/**
 * Wraps a lab test file's body: `describe(title, body)` when lab tests must run (plus a first test
 * that the routers' tools are installed), else a single test that logs the reason and passes.
 */
export function labTestGate(title: string, body: () => void, routers: RouterKind[] = ['bird']): void {
  const reason = labSkipReason();
  if (reason !== undefined) {
    test(`${title}: not run (${reason})`, () => {
      console.log(`${title}: not run: ${reason}`);
    });
    return;
  }
  describe(title, () => {
    test('the tools the lab needs are installed', () => {
      const missing = routers.map((r) => missingToolsMessage(toolsFor(r, true))).filter(Boolean);
      expect(missing).toEqual([]);
    });
    body();
  });
}
