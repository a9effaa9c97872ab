import { encodeShutdownCommunication, notification } from '../codec';
import { cease, fsmErrorSubcode, shutdownText } from './notifications';

describe('NOTIFICATION values', () => {
  it('FSM error subcodes per RFC 6608', () => {
    expect(
      ['openSent', 'openConfirm', 'established', 'idle', 'connect', 'active'].map((s) => fsmErrorSubcode(s as never)),
    ).toEqual([1, 2, 3, 0, 0, 0]);
  });

  it('Cease carries shutdown text for subcodes 2 and 4 only, and none when the text is empty', () => {
    expect(cease(2, 'maintenance')).toEqual(notification(6, 2, encodeShutdownCommunication('maintenance')));
    expect(cease(4, 'maintenance').data.length).toBe(12);
    expect(cease(3, 'maintenance').data.length).toBe(0);
    expect(cease(2, '').data.length).toBe(0);
    expect(cease(2).data.length).toBe(0);
  });

  it('a long shutdown text is cut on a character boundary and read back whole', () => {
    // 'é' is 2 octets: 127 of them are 254 octets, the 128th would end at 256.
    expect(shutdownText(cease(2, 'é'.repeat(200)))).toBe('é'.repeat(127));
  });

  it('reads a received shutdown communication, ignoring malformed and empty ones', () => {
    const bye = encodeShutdownCommunication('bye');
    expect(shutdownText(cease(2, 'bye'))).toBe('bye');
    expect(shutdownText(cease(4, 'bye'))).toBe('bye');
    expect(shutdownText(notification(6, 3, bye))).toBeUndefined();
    expect(shutdownText(notification(2, 2, bye))).toBeUndefined();
    expect(shutdownText(notification(6, 2))).toBeUndefined();
    expect(shutdownText(notification(6, 2, new Uint8Array([0])))).toBeUndefined();
    expect(shutdownText(notification(6, 2, new Uint8Array([4, 97, 98])))).toBeUndefined();
    expect(shutdownText(notification(6, 2, new Uint8Array([1, 0xff])))).toBeUndefined();
    expect(shutdownText(notification(6, 2, new Uint8Array([1, 97, 98])))).toBe('a');
  });
});
