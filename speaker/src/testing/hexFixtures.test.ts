import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseHexFixtures, readHexFixtures } from './hexFixtures';

test('parseHexFixtures pairs each message line with the comment lines before it', () => {
  const text = ['# first', '#   indented', '00ff', '', '# second', 'ab', 'cd', ''].join('\n');
  expect(parseHexFixtures('x.hex', text)).toEqual([
    { file: 'x.hex', comment: 'first\n  indented', bytes: Buffer.from([0x00, 0xff]) },
    { file: 'x.hex', comment: 'second', bytes: Buffer.from([0xab]) },
    { file: 'x.hex', comment: '', bytes: Buffer.from([0xcd]) },
  ]);
});

test('parseHexFixtures refuses odd digits, upper case and other characters, naming the line', () => {
  expect(() => parseHexFixtures('y.hex', '# c\nabc')).toThrow('y.hex:2: not whole bytes');
  expect(() => parseHexFixtures('y.hex', 'AB')).toThrow('y.hex:1');
  expect(() => parseHexFixtures('y.hex', 'ab cd')).toThrow('y.hex:1');
});

test('readHexFixtures reads only .hex files, in name order', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hexfix-'));
  try {
    fs.writeFileSync(path.join(dir, 'b.hex'), '# b\n02\n');
    fs.writeFileSync(path.join(dir, 'a.hex'), '# a\n01\n');
    fs.writeFileSync(path.join(dir, 'README.md'), 'not a fixture\n');
    expect(readHexFixtures(dir).map((f) => [f.file, f.comment, f.bytes.toString('hex')])).toEqual([
      ['a.hex', 'a', '01'],
      ['b.hex', 'b', '02'],
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
