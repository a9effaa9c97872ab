import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../paths';

/** One recorded exchange with a real kube-apiserver (this package's fixtures/conformance, copied from ../shared/conformance). */
export interface RecordedCase {
  file: string;
  name: string;
  note: string;
  request: {
    method: string;
    path: string;
    contentType?: string | null;
    accept?: string | null;
    body?: unknown;
  };
  response: {
    status: number;
    contentType?: string;
    body?: unknown;
    events?: Array<{ type: string; object: unknown }>;
  };
}

/** A copy of ../shared/conformance kept in the repository: CI clones only the repository. */
export const conformanceDir = path.join(packageRoot, 'fixtures', 'conformance', 'kube-apiserver-v1.26.1');

export function loadCases(dir = conformanceDir): RecordedCase[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      ...(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Omit<RecordedCase, 'file'>),
    }));
}
