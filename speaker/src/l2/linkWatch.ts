/**
 * Link and address changes from the kernel through rtnetlink (the `netlink` package), so a link that goes down or
 * comes back is acted on at once rather than at the next poll. Each burst of messages makes one callback.
 */
import { createRtNetlink } from 'netlink';
import type { Logger } from 'pino';
import { errorText } from '@ironlb/shared';

export interface LinkWatch {
  close(): void;
}

export function interfacesWatcher(changed: () => void, log: Logger): LinkWatch {
  // The typings make both buffer sizes mandatory; 256 KiB is plenty for link and address notifications.
  const socket = createRtNetlink({ ref: false, recvBufferSize: 262_144, sendBufferSize: 65_536 });
  for (const group of ['LINK', 'IPV4_IFADDR', 'IPV6_IFADDR'] as const) socket.addMembership(group);
  let pending = false;
  socket.on('message', () => {
    if (pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      changed();
    });
  });
  socket.on('invalid', (err: unknown) => log.warn({ err: errorText(err) }, 'unreadable rtnetlink message'));
  return { close: () => socket.socket.close() };
}
