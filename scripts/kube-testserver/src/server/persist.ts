/**
 * --data: the whole state (objects and the current resourceVersion) in one JSON file, written atomically
 * (temp file + rename) at most every `intervalMs` after a change and on shutdown, never per write.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KubeObject } from '../types';
import { isObject } from './json';
import type { Store, StoredEntry } from './store';

export function loadData(file: string): { resourceVersion: number; entries: StoredEntry[] } | undefined {
  if (!fs.existsSync(file)) return undefined;
  const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!isObject(parsed) || typeof parsed.resourceVersion !== 'number' || !Array.isArray(parsed.objects)) {
    throw new Error(`${file} is not an ironlb-kube data file`);
  }
  const entries: StoredEntry[] = [];
  for (const e of parsed.objects) {
    if (isObject(e) && typeof e.storage === 'string' && isObject(e.object) && isObject(e.object.metadata)) {
      entries.push({ storage: e.storage, object: e.object as unknown as KubeObject });
    }
  }
  return { resourceVersion: parsed.resourceVersion, entries };
}

/** Serializes without building one huge intermediate array of objects. */
function serialize(store: Store): string {
  const parts: string[] = [`{"version":1,"resourceVersion":${store.resourceVersion},"objects":[`];
  let first = true;
  for (const { storage, object } of store.entries()) {
    parts.push(`${first ? '' : ','}{"storage":${JSON.stringify(storage)},"object":${JSON.stringify(object)}}`);
    first = false;
  }
  parts.push(']}');
  return parts.join('');
}

export class Persister {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    private readonly store: Store,
    private readonly file: string,
    private readonly intervalMs = 200,
  ) {
    store.onEvent(() => this.schedule());
  }

  private schedule(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.intervalMs);
  }

  /** Writes the current state now (after any write in progress). */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const text = serialize(this.store);
      const tmp = path.join(path.dirname(this.file), `.${path.basename(this.file)}.${process.pid}.tmp`);
      await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
      await fs.promises.writeFile(tmp, text);
      await fs.promises.rename(tmp, this.file);
    });
    return this.writing;
  }

  /** Synchronous last write for process exit paths. */
  flushSync(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, serialize(this.store));
    fs.renameSync(tmp, this.file);
  }
}
