import { cease, fsmErrorSubcode, notification, shutdownData, shutdownText } from './notifications';

describe('NOTIFICATION values', () => {
  it('FSM error subcodes per RFC 6608', () => {
    expect(
      ['openSent', 'openConfirm', 'established', 'idle', 'connect', 'active'].map((s) => fsmErrorSubcode(s as never)),
    ).toEqual([1, 2, 3, 0, 0, 0]);
  });

  it('Cease carries shutdown text for subcodes 2 and 4 only, and none when the text is empty', () => {
    expect(cease(2, 'maintenance')).toEqual(notification(6, 2, shutdownData('maintenance')));
    expect(cease(4, 'maintenance').data.length).toBe(12);
    expect(cease(3, 'maintenance').data.length).toBe(0);
    expect(cease(2, '').data.length).toBe(0);
    expect(cease(2).data.length).toBe(0);
  });

  it('shutdown data: a length octet, then UTF-8 cut at 255 octets on a character boundary', () => {
    expect([...shutdownData('ab')]).toEqual([2, 97, 98]);
    const long = shutdownData('x'.repeat(300));
    expect(long.length).toBe(256);
    expect(long[0]).toBe(255);
    // 'é' is 2 octets: 127 of them are 254 octets, the 128th would end at 256.
    const accents = shutdownData('é'.repeat(200));
    expect(accents[0]).toBe(254);
    expect(shutdownText(notification(6, 2, accents))).toBe('é'.repeat(127));
  });

  it('reads a received shutdown communication, ignoring malformed ones', () => {
    expect(shutdownText(cease(2, 'bye'))).toBe('bye');
    expect(shutdownText(cease(4, 'bye'))).toBe('bye');
    expect(shutdownText(notification(6, 3, shutdownData('bye')))).toBeUndefined();
    expect(shutdownText(notification(2, 2, shutdownData('bye')))).toBeUndefined();
    expect(shutdownText(notification(6, 2))).toBeUndefined();
    expect(shutdownText(notification(6, 2, new Uint8Array([0])))).toBeUndefined();
    expect(shutdownText(notification(6, 2, new Uint8Array([4, 97, 98])))).toBeUndefined();
    expect(shutdownText(notification(6, 2, new Uint8Array([1, 0xff])))).toBeUndefined();
    expect(shutdownText(notification(6, 2, new Uint8Array([1, 97, 98])))).toBe('a');
  });
});
