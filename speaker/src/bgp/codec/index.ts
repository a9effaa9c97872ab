export * from './types';
export { decodeMessage, encodeMessage, type DecodeResult } from './message';
export { notification } from './errors';
export { maxUpdateLength, UPDATE_FIXED_BYTES, updateLength } from './update';
export { attributeBytes, attributesLength, mpReachValueBytes, mpUnreachValueBytes } from './attributes';
export { prefixBytes, prefixesBytes } from './prefix';
export { createFrameSplitter, type FrameResult, type FrameSplitter } from './framing';
export { endOfRib, endOfRibFamily, isEndOfRib } from './endOfRib';
export { RouteRefreshSubtype } from './routeRefresh';
export {
  CeaseSubcode,
  ErrorCode,
  FsmSubcode,
  HeaderSubcode,
  OpenSubcode,
  RouteRefreshSubcode,
  UpdateSubcode,
  carriesShutdownCommunication,
  codeName,
  decodeShutdownCommunication,
  describeNotification,
  encodeShutdownCommunication,
  notificationName,
  printable,
  subcodeName,
} from './notificationCodes';
