/**
 * The lab's stand-in for ironlb's image, read from the Dockerfile and the chart so they stay the one source: the
 * image's ENTRYPOINT and USER, and the programs it links into /usr/local/bin (each a file of this repository, built).
 * A Dockerfile or chart change that breaks the pods' commands breaks the demo.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { LabImage } from './container';

const APP_DIR = '/app/';

export function parseDockerfile(text: string, repoRoot: string, repository: string): LabImage {
  // The runtime stage: what follows the last FROM.
  const stage = text.slice([...text.matchAll(/^FROM\s/gm)].pop()?.index ?? 0);
  // A line continuation is removed, as Docker does: nothing stands in for it.
  const joined = stage.replace(/\\\n/g, '');
  const entry = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(joined);
  const user = /^USER\s+(\d+):(\d+)\s*$/m.exec(joined);
  if (!entry || !user) throw new Error('Dockerfile: the runtime stage needs ENTRYPOINT ["..."] and USER uid:gid');
  const bins: Record<string, string> = {};
  for (const m of joined.matchAll(/ln -s (\S+) \/usr\/local\/bin\/(\S+)/g)) {
    if (!m[1].startsWith(APP_DIR)) throw new Error(`Dockerfile: ${m[1]} is not under ${APP_DIR}`);
    bins[m[2]] = path.join(repoRoot, m[1].slice(APP_DIR.length));
  }
  return {
    repository,
    entrypoint: JSON.parse(entry[1]) as string[],
    user: { uid: Number(user[1]), gid: Number(user[2]) },
    bins,
  };
}

/** The image as the repo at `repoRoot` builds it, under the repository the chart's values name. */
export function ironlbImage(repoRoot: string): LabImage {
  const values = parse(fs.readFileSync(path.join(repoRoot, 'charts', 'ironlb', 'values.yaml'), 'utf8')) as {
    image?: { repository?: string };
  } | null;
  const repository = values?.image?.repository;
  if (!repository) throw new Error('charts/ironlb/values.yaml: image.repository is missing');
  return parseDockerfile(fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8'), repoRoot, repository);
}
