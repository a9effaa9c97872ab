/** The fields an L2Advertisement and a BGPAdvertisement share, read one way for both kinds. */
import { readStringList } from './fields';
import type { Advertisement } from './lookup';
import { parseSelectorList } from './parse-selector';
import type { RawObject, FieldProblem } from './raw';

/** Which pools and nodes an advertisement selects: `spec.ipAddressPools`, `spec.ipAddressPoolSelectors`, `spec.nodeSelectors`. */
export function readSelection(spec: RawObject, problems: FieldProblem[]): Advertisement {
  return {
    ipAddressPools: Object.freeze(readStringList(spec.ipAddressPools, 'spec.ipAddressPools', problems)),
    ipAddressPoolSelectors: Object.freeze(
      parseSelectorList(spec.ipAddressPoolSelectors, 'spec.ipAddressPoolSelectors', problems),
    ),
    nodeSelectors: Object.freeze(parseSelectorList(spec.nodeSelectors, 'spec.nodeSelectors', problems)),
  };
}
