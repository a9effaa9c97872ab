/**
 * The frame splitter: TCP hands over bytes in arbitrary chunks; this gives back whole messages, checking each
 * header (RFC 4271 section 6.1) as soon as its 19 bytes are in. Frames are pulled one at a time with the options in
 * force then, because the session switches to extended messages after the OPENs while later frames may already
 * be buffered. After a header error the stream is out of step for good: the splitter keeps returning that error.
 */
import { BgpWireError } from './errors';
import { checkHeader } from './header';
import { HEADER_BYTES, type CodecOptions, type NotificationMessage } from './types';

export type FrameResult = { ok: true; frame: Uint8Array } | { ok: false; notification: NotificationMessage };

export interface FrameSplitter {
  push(chunk: Uint8Array): void;
  /** The next whole message (a copy the caller may keep), an error, or undefined until more bytes arrive. */
  next(opts: Pick<CodecOptions, 'extendedMessage'>): FrameResult | undefined;
  /** Bytes received and not yet returned as a frame. */
  readonly buffered: number;
}

export function createFrameSplitter(): FrameSplitter {
  let buf = new Uint8Array(4096);
  let start = 0;
  let end = 0;
  let failed: FrameResult | undefined;

  return {
    push(chunk) {
      if (failed || chunk.length === 0) return;
      if (end + chunk.length > buf.length) {
        const live = end - start;
        if (live + chunk.length <= buf.length) buf.copyWithin(0, start, end);
        else {
          const grown = new Uint8Array(Math.max(buf.length * 2, live + chunk.length));
          grown.set(buf.subarray(start, end));
          buf = grown;
        }
        start = 0;
        end = live;
      }
      buf.set(chunk, end);
      end += chunk.length;
    },
    next(opts) {
      if (failed) return failed;
      if (end - start < HEADER_BYTES) return undefined;
      let length: number;
      try {
        length = checkHeader(buf, start, opts);
      } catch (e) {
        if (!(e instanceof BgpWireError)) throw e;
        failed = { ok: false, notification: e.toNotification() };
        return failed;
      }
      if (end - start < length) return undefined;
      const frame = buf.slice(start, start + length);
      start += length;
      if (start === end) start = end = 0;
      return { ok: true, frame };
    },
    get buffered() {
      return end - start;
    },
  };
}
