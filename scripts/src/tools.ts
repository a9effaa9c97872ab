import * as path from 'node:path';

/** The repository root (scripts/src or scripts/dist are two levels below it). */
export const repoRoot = path.resolve(__dirname, '..', '..');
