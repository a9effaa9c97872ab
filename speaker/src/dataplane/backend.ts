/** The seam each dataplane backend implements (nftables, iptables, IPVS): a renderer of the plan behind an edge. */
import type { DataplanePlan } from './types';

export interface ApplyStats {
  /** Bytes of rules (or netlink messages) handed to the kernel. */
  readonly bytes: number;
}

export interface DataplaneBackend {
  /** `nftables`, `iptables`, `ipvs`: the word in logs and the `backend` label of metrics. */
  readonly name: string;
  /**
   * Makes the kernel hold `next`. `prev` is what the last successful apply left; `full` asks for a rewrite of
   * everything of ours (the first sync, a periodic resync, after drift or a failure). Throws with the command and its
   * error; what was applied before stays.
   */
  apply(prev: DataplanePlan | undefined, next: DataplanePlan, full: boolean): Promise<ApplyStats>;
  /** Whether our objects are missing or emptied (someone flushed them): the next apply must then be full. */
  drifted(): Promise<boolean>;
  /** Removes every object of ours and nothing else. */
  cleanup(): Promise<void>;
}
