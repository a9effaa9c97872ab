import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ironlbImage, parseDockerfile } from './image';
import { REPO_ROOT } from './testFixtures';

const TWO_STAGES = `# a comment naming FROM and ENTRYPOINT ["not-this"]
FROM node:20 AS build
USER 1:1
ENTRYPOINT ["builder"]
RUN ln -s /app/build/tool.js /usr/local/bin/tool

FROM node:20-slim
RUN ln -s /app/controller/bin/c.js /usr/local/bin/prog-c \\
 && ln -s /app/speaker/bin/s.js /usr/local/bin/prog-s
USER 65532:65531
ENTRYPOINT ["prog-c", "--flag"]
`;

describe('parseDockerfile', () => {
  test("reads the last stage: its ENTRYPOINT, USER and the links in /usr/local/bin, under the repo's root", () => {
    expect(parseDockerfile(TWO_STAGES, '/repo', 'registry.example/img')).toEqual({
      repository: 'registry.example/img',
      entrypoint: ['prog-c', '--flag'],
      user: { uid: 65532, gid: 65531 },
      bins: { 'prog-c': '/repo/controller/bin/c.js', 'prog-s': '/repo/speaker/bin/s.js' },
    });
  });

  test('a single stage whose FROM is the first line (regression: the stage was cut to the last character)', () => {
    expect(parseDockerfile('FROM scratch\nUSER 0:0\nENTRYPOINT ["x"]\n', '/repo', 'img')).toEqual({
      repository: 'img',
      entrypoint: ['x'],
      user: { uid: 0, gid: 0 },
      bins: {},
    });
  });

  test('a text without FROM is read whole', () => {
    expect(parseDockerfile('USER 3:4\nENTRYPOINT ["x"]\n', '/repo', 'img')).toMatchObject({
      entrypoint: ['x'],
      user: { uid: 3, gid: 4 },
    });
  });

  test('FROM counts only at the start of a line and followed by a blank', () => {
    const text = 'FROM a\nUSER 1:1\nENTRYPOINT ["b"]\nRUN echo FROM c\n#FROM d\nFROMAGE e\n';
    expect(parseDockerfile(text, '/r', 'i')).toMatchObject({ entrypoint: ['b'], user: { uid: 1, gid: 1 } });
  });

  test('ENTRYPOINT and USER of an earlier stage do not count', () => {
    const noRuntimeUser = 'FROM a AS build\nUSER 1:1\nENTRYPOINT ["b"]\nFROM c\nENTRYPOINT ["d"]\n';
    expect(() => parseDockerfile(noRuntimeUser, '/repo', 'img')).toThrow(
      'Dockerfile: the runtime stage needs ENTRYPOINT ["..."] and USER uid:gid',
    );
    const noRuntimeEntry = 'FROM a AS build\nUSER 1:1\nENTRYPOINT ["b"]\nFROM c\nUSER 2:2\n';
    expect(() => parseDockerfile(noRuntimeEntry, '/repo', 'img')).toThrow(
      'Dockerfile: the runtime stage needs ENTRYPOINT ["..."] and USER uid:gid',
    );
  });

  test('the shell form of ENTRYPOINT and a USER by name are refused', () => {
    const need = 'Dockerfile: the runtime stage needs ENTRYPOINT ["..."] and USER uid:gid';
    expect(() => parseDockerfile('FROM a\nUSER 1:1\nENTRYPOINT prog\n', '/r', 'i')).toThrow(need);
    expect(() => parseDockerfile('FROM a\nUSER nobody\nENTRYPOINT ["prog"]\n', '/r', 'i')).toThrow(need);
    expect(() => parseDockerfile('FROM a\nUSER 1\nENTRYPOINT ["prog"]\n', '/r', 'i')).toThrow(need);
    expect(() => parseDockerfile('FROM a\nUSER 1:1 x\nENTRYPOINT ["prog"]\n', '/r', 'i')).toThrow(need);
    expect(() => parseDockerfile('FROM a\n USER 1:1\nENTRYPOINT ["prog"]\n', '/r', 'i')).toThrow(need);
    expect(() => parseDockerfile('FROM a\nUSER 1:1\nENTRYPOINT ["prog"] x\n', '/r', 'i')).toThrow(need);
    expect(() => parseDockerfile('FROM a\nUSER 1:1\nxENTRYPOINT ["prog"]\n', '/r', 'i')).toThrow(need);
  });

  test('more blanks around the values of ENTRYPOINT and USER are allowed; ENTRYPOINT may be spread over lines', () => {
    const text = 'FROM a\nUSER \t7:8  \nENTRYPOINT  ["prog", \\\n  "--x"]  \n';
    expect(parseDockerfile(text, '/r', 'i')).toMatchObject({ entrypoint: ['prog', '--x'], user: { uid: 7, gid: 8 } });
  });

  test('a line continuation joins the two lines with nothing between them, as Docker joins them', () => {
    const text = 'FROM a\nRUN ln -s /app/controller/bin/\\\nc.js /usr/local/bin/c\nUSER 1:1\nENTRYPOINT ["c"]\n';
    expect(parseDockerfile(text, '/repo', 'i').bins).toEqual({ c: '/repo/controller/bin/c.js' });
  });

  test('a link to a file outside /app/ is refused', () => {
    const text = 'FROM a\nRUN ln -s /usr/bin/node /usr/local/bin/node\nUSER 1:1\nENTRYPOINT ["node"]\n';
    expect(() => parseDockerfile(text, '/r', 'i')).toThrow('Dockerfile: /usr/bin/node is not under /app/');
    const near = 'FROM a\nRUN ln -s /application/x.js /usr/local/bin/x\nUSER 1:1\nENTRYPOINT ["x"]\n';
    expect(() => parseDockerfile(near, '/r', 'i')).toThrow('Dockerfile: /application/x.js is not under /app/');
  });

  test("the repo's Dockerfile: both daemons, the controller as entrypoint, USER 65532:65532", () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(parseDockerfile(text, REPO_ROOT, 'ghcr.io/ironlb/ironlb')).toEqual({
      repository: 'ghcr.io/ironlb/ironlb',
      entrypoint: ['ironlb-controller'],
      user: { uid: 65532, gid: 65532 },
      bins: {
        'ironlb-controller': path.join(REPO_ROOT, 'controller', 'bin', 'ironlb-controller.js'),
        'ironlb-speaker': path.join(REPO_ROOT, 'speaker', 'bin', 'ironlb-speaker.js'),
      },
    });
  });
});

describe('ironlbImage', () => {
  test("the repo's Dockerfile under the chart's image repository, its bins files of the repo", () => {
    const image = ironlbImage(REPO_ROOT);
    expect(image.repository).toBe('ghcr.io/ironlb/ironlb');
    expect(Object.keys(image.bins).sort()).toEqual(['ironlb-controller', 'ironlb-speaker']);
    for (const file of Object.values(image.bins))
      expect({ file, exists: fs.existsSync(file) }).toEqual({ file, exists: true });
  });

  test('a chart without image.repository is refused', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelet-image-'));
    try {
      fs.mkdirSync(path.join(root, 'charts', 'ironlb'), { recursive: true });
      fs.copyFileSync(path.join(REPO_ROOT, 'Dockerfile'), path.join(root, 'Dockerfile'));
      for (const values of ['image:\n  tag: x\n', 'logLevel: info\n', '']) {
        fs.writeFileSync(path.join(root, 'charts', 'ironlb', 'values.yaml'), values);
        expect(() => ironlbImage(root)).toThrow('charts/ironlb/values.yaml: image.repository is missing');
      }
      fs.writeFileSync(
        path.join(root, 'charts', 'ironlb', 'values.yaml'),
        'image:\n  repository: registry.example/x\n',
      );
      expect(ironlbImage(root)).toMatchObject({ repository: 'registry.example/x', entrypoint: ['ironlb-controller'] });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
