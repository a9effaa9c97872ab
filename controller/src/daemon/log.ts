import pino from 'pino';

export const COMPONENT = 'ironlb-controller';

/** The levels --log-level takes; lines less severe than the chosen one are not written. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** JSON lines on stdout: the controller's only diagnostic channel besides Events. Level set by main (--log-level). */
export const log = pino({ name: COMPONENT });

export { errorText } from '@ironlb/shared/k8s';
