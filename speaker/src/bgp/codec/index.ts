export * from './types';
export { decodeMessage, encodeMessage, type DecodeResult } from './message';
export { notification } from './errors';
export { updateLength } from './update';
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
