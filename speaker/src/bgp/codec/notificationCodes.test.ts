import {
  codeName,
  decodeShutdownCommunication,
  describeNotification,
  encodeShutdownCommunication,
  notificationName,
  subcodeName,
} from './notificationCodes';
import { hex } from './testBytes';

describe('NOTIFICATION names', () => {
  it.each([
    [1, 1, 'Message Header Error/Connection Not Synchronized'],
    [2, 6, 'OPEN Message Error/Unacceptable Hold Time'],
    [3, 11, 'UPDATE Message Error/Malformed AS_PATH'],
    [4, 0, 'Hold Timer Expired/subcode 0'],
    [5, 3, 'Finite State Machine Error/Receive Unexpected Message in Established State'],
    [6, 7, 'Cease/Connection Collision Resolution'],
    [6, 9, 'Cease/Hard Reset'],
    [7, 1, 'ROUTE-REFRESH Message Error/Invalid Message Length'],
    [9, 1, 'code 9/subcode 1'],
  ])('%i/%i is %s', (code, subcode, words) => {
    expect(`${codeName(code)}/${subcodeName(code, subcode)}`).toBe(words);
  });
});

describe('notificationName', () => {
  it.each([
    [6, 2, 'Cease/Administrative Shutdown'],
    [4, 0, 'Hold Timer Expired'],
    [5, 0, 'Finite State Machine Error/Unspecified Error'],
    [4, 1, 'Hold Timer Expired/subcode 1'],
    [2, 99, 'OPEN Message Error/subcode 99'],
    [42, 0, 'code 42'],
  ])('%i/%i is %s', (code, subcode, words) => {
    expect(notificationName(code, subcode)).toBe(words);
  });
});

describe('shutdown communication (RFC 9003)', () => {
  it('is a length byte and UTF-8', () => {
    expect(encodeShutdownCommunication('maintenance ✓')).toStrictEqual(hex('0f 6d61696e74656e616e636520 e29c93'));
    expect(decodeShutdownCommunication(hex('0f 6d61696e74656e616e636520 e29c93'))).toBe('maintenance ✓');
  });

  it('is cut at 255 bytes on a character boundary', () => {
    const e = encodeShutdownCommunication('a' + '✓'.repeat(100));
    expect(e[0]).toBe(253); // 1 + 84 × 3: a 3-byte character does not fit in the last 2 bytes
    expect(decodeShutdownCommunication(e)).toBe('a' + '✓'.repeat(84));
    expect(encodeShutdownCommunication('')).toStrictEqual(hex('00'));
  });

  it.each([
    ['empty data', ''],
    ['a length past the data', '05 6162'],
    ['invalid UTF-8', '02 c328'],
  ])('%s is not one', (_, data) => {
    expect(decodeShutdownCommunication(hex(data))).toBeUndefined();
  });

  it('trailing bytes after the text are allowed', () => {
    expect(decodeShutdownCommunication(hex('02 6869 ff'))).toBe('hi');
  });
});

describe('describeNotification', () => {
  const n = (code: number, subcode: number, data: string) => ({ code, subcode, data: hex(data) });
  it('quotes the shutdown communication of Administrative Shutdown and Reset', () => {
    expect(describeNotification(n(6, 2, '0b 6d61696e74656e616e6365'))).toBe(
      'Cease/Administrative Shutdown: maintenance',
    );
    expect(describeNotification(n(6, 4, '02 6869'))).toBe('Cease/Administrative Reset: hi');
    expect(describeNotification(n(6, 2, '00'))).toBe('Cease/Administrative Shutdown');
  });

  it('escapes control characters so a peer cannot forge log lines', () => {
    expect(describeNotification(n(6, 2, '03 610a62'))).toBe('Cease/Administrative Shutdown: a\\x0ab');
  });

  it('shows other data, and a malformed communication, in hex', () => {
    expect(describeNotification(n(2, 1, '0004'))).toBe('OPEN Message Error/Unsupported Version Number (data 0004)');
    expect(describeNotification(n(6, 2, '09 61'))).toBe('Cease/Administrative Shutdown (data 0961)');
    expect(describeNotification(n(4, 0, ''))).toBe('Hold Timer Expired');
  });
});
