/**
 * The messages between BfdSessions (main thread) and its worker (worker.ts). Both ends are ironlb's own code, in one
 * process, so a message is checked for its `type` alone.
 */
import type { DemuxDropReason, EngineSessionSpec, SessionInfo } from './engine';
import type { DropReason } from './codec';
import type { BfdTimers, StateChange } from './session';
import type { BfdLoopOptions } from './loop';

/** What the worker is started with (workerData): the loop's options less the functions, which cannot cross. */
export type WorkerSetup = Omit<BfdLoopOptions, 'clock' | 'random'>;

export type ToWorker =
  | { readonly type: 'add'; readonly ref: number; readonly spec: EngineSessionSpec }
  | { readonly type: 'remove'; readonly ref: number; readonly id: number }
  | { readonly type: 'setTimers'; readonly id: number; readonly timers: BfdTimers }
  | { readonly type: 'info'; readonly ref: number; readonly id: number }
  | { readonly type: 'close'; readonly ref: number };

export type FromWorker =
  | { readonly type: 'added'; readonly ref: number; readonly info: SessionInfo }
  | { readonly type: 'failed'; readonly ref: number; readonly message: string }
  | { readonly type: 'done'; readonly ref: number }
  | { readonly type: 'info'; readonly ref: number; readonly info?: SessionInfo }
  | { readonly type: 'state'; readonly id: number; readonly change: StateChange; readonly info: SessionInfo }
  | { readonly type: 'drops'; readonly counts: Readonly<Partial<Record<DropReason | DemuxDropReason, number>>> }
  | { readonly type: 'error'; readonly message: string };

const TO_WORKER = new Set(['add', 'remove', 'setTimers', 'info', 'close']);
const FROM_WORKER = new Set(['added', 'failed', 'done', 'info', 'state', 'drops', 'error']);

const typed = (m: unknown): string | undefined =>
  typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string'
    ? (m as { type: string }).type
    : undefined;

export const isToWorker = (m: unknown): m is ToWorker => TO_WORKER.has(typed(m) ?? '');
export const isFromWorker = (m: unknown): m is FromWorker => FROM_WORKER.has(typed(m) ?? '');
