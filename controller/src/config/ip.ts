/** IP text to and from numbers: shared with the speaker, which parses the same addresses. */
export { BITS, formatIP, isIPv4Mapped, parseIP, type ParsedIP } from '@ironlb/shared';
