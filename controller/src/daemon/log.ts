import pino from 'pino';

export const COMPONENT = 'ironlb-controller';

/** JSON lines on stdout: the controller's only diagnostic channel besides Events. */
export const log = pino({ name: COMPONENT });

export { errorText } from '@ironlb/shared/k8s';
