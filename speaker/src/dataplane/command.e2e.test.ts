// The real command runner, with harmless programs (it starts processes, so it is an end-to-end test).
import { processRunner } from './command';

describe('processRunner', () => {
  const runner = processRunner(2000);

  test('stdin in, stdout and exit code out', async () => {
    const r = await runner.run(['sh', '-c', 'cat; echo err >&2; exit 3'], 'line one\nline two\n');
    expect(r).toEqual({ code: 3, stdout: 'line one\nline two\n', stderr: 'err\n' });
  });

  test('no input: stdin is closed at once (a reader does not hang)', async () => {
    const r = await runner.run(['cat']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('a program that does not exist: code -1 and why', async () => {
    const r = await runner.run(['/nonexistent/iptables-restore'], 'x');
    expect(r.code).toBe(-1);
    expect(r.stderr).toContain('ENOENT');
  });

  test('a program that ignores its stdin and exits: its code, no crash on the closed pipe', async () => {
    const r = await runner.run(['true'], 'x'.repeat(1 << 20));
    expect(r.code).toBe(0);
  });

  test('a hanging program is killed at the timeout: code -1', async () => {
    const r = await processRunner(200).run(['sleep', '5']);
    expect(r.code).toBe(-1);
    expect(r.stderr).toBe('timed out after 200 ms');
  });
});
