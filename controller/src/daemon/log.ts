import pino from 'pino';

export const COMPONENT = 'ironlb-controller';

/** JSON lines on stdout: the controller's only diagnostic channel besides Events. */
export const log = pino({ name: COMPONENT });

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
