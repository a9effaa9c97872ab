import { bytesText, tableLines } from './benchTable';

describe('tableLines', () => {
  it('pads the label column left-aligned and the figures right-aligned, with a rule under the head', () => {
    expect(
      tableLines(
        ['what', 'ms', 'bytes'],
        [
          ['full sync', '12.5', '1024'],
          ['one', '3', '7'],
        ],
      ),
    ).toEqual(['what         ms  bytes', '---------  ----  -----', 'full sync  12.5   1024', 'one           3      7']);
  });
});

describe('bytesText', () => {
  it('says KiB below 10 MiB and MiB from there', () => {
    expect(bytesText(512)).toBe('0.5 KiB');
    expect(bytesText(10 * 1024 * 1024 - 1024)).toBe('10239.0 KiB');
    expect(bytesText(10 * 1024 * 1024)).toBe('10.0 MiB');
  });
});
