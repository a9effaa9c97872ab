// The capture helpers on real child processes (sh standing in for tcpdump: no root, no capture needed).
import { spawn } from 'node:child_process';
import { watchChild, watchTcpdump } from './pcapCapture';

const sh = (script: string) => spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });

test('listening resolves once the child says "listening on", and stop ends it with SIGTERM', async () => {
  const t = watchTcpdump(sh('echo "listening on eth0, link-type EN10MB" >&2; exec sleep 30'));
  try {
    await t.listening('in the test');
    expect(t.child.exitCode).toBeNull();
  } finally {
    await t.stop();
  }
  expect(t.child.signalCode).toBe('SIGTERM');
});

test('listening throws with what the child printed when it never says "listening on"', async () => {
  const t = watchTcpdump(sh('echo "tcpdump: eth9: No such device exists" >&2; exec sleep 30'));
  try {
    await expect(t.listening('in ns x', 500)).rejects.toThrow(
      'tcpdump in ns x did not start: tcpdump: eth9: No such device exists',
    );
  } finally {
    await t.stop();
  }
});

test('stop escalates to SIGKILL for a child that ignores SIGTERM, and leaves an exited child alone', async () => {
  // An ignored signal stays ignored across exec.
  const stubborn = watchChild(sh('trap "" TERM; exec sleep 30'));
  await new Promise((r) => setTimeout(r, 200));
  await stubborn.stop(300);
  expect(stubborn.child.signalCode).toBe('SIGKILL');
  const done = watchChild(sh('exit 3'));
  await done.closed;
  await done.stop();
  expect(done.child.exitCode).toBe(3);
});
