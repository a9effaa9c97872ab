/**
 * One BFD session's state machine (RFC 5880 section 6.8, asynchronous mode), pure: the clock (`now`, ms) and the
 * jitter's randomness are injected; the caller delivers decoded packets (handle), calls tick at nextDeadline(), and
 * sends what comes back. Times are ms (fractions allowed); the wire's microseconds stay in the packets.
 *
 * Not done, on purpose:
 * - Echo (RFC 5880 6.4): ironlb advertises Required Min Echo RX 0 (it loops no echo back) and sends none. A profile
 *   with echoMode: true still gets a working asynchronous session; `echoRefusal` says why echo is off.
 * - Demand mode: ironlb never sets D; a peer's D bit is recorded but periodic sending continues, which RFC 5880
 *   allows a system that does not implement demand mode (the peer's detection still works from our packets).
 * - Authentication: see codec.ts.
 */
import { Diag, type BfdState, type ControlPacket } from './codec';

export interface BfdTimers {
  /** bfd.DesiredMinTxInterval as configured (the profile's transmitIntervalMs). */
  readonly desiredMinTxMs: number;
  /** bfd.RequiredMinRxInterval (the profile's receiveIntervalMs). */
  readonly requiredMinRxMs: number;
  readonly detectMultiplier: number;
}

export interface BfdSessionConfig extends BfdTimers {
  /** bfd.LocalDiscr: nonzero and unique among this system's sessions (the manager allocates it). */
  readonly localDiscriminator: number;
  /** Passive role (RFC 5880 6.1): send nothing until the peer has sent. */
  readonly passive: boolean;
  /** The profile's echoMode; echo is not implemented (see above). */
  readonly echoMode?: boolean;
}

export interface StateChange {
  readonly from: BfdState;
  readonly to: BfdState;
  /** The diagnostic code (codec Diag) for the change. */
  readonly diag: number;
}

export interface Output {
  readonly send?: ControlPacket;
  readonly stateChange?: StateChange;
}

/** RFC 5880 6.8.3: while the session is not Up, bfd.DesiredMinTxInterval is at least one second. */
export const SLOW_TX_MS = 1000;

export const ECHO_REFUSAL =
  'BFD echo mode is not implemented by ironlb: the session runs in asynchronous mode alone and advertises a ' +
  'required min echo RX interval of 0';

const usToMs = (us: number): number => us / 1000;
const msToUs = (ms: number): number => Math.round(ms * 1000);

export class BfdSession {
  private stateValue: BfdState = 'down';
  private diagValue: number = Diag.none;
  private remoteDiscr = 0;
  private remoteStateValue: BfdState = 'down';
  /** bfd.RemoteMinRxInterval starts at 1 microsecond (RFC 5880 6.8.1). */
  private remoteMinRxMs = 0.001;
  private remoteDesiredTxMs = 0;
  private remoteDetectMult = 0;
  private remoteDemandValue = false;
  private cfg: BfdSessionConfig;
  /** What our packets advertise. */
  private advTxMs: number;
  private advRxMs: number;
  /** What our timing uses while a poll sequence makes a change safe (RFC 5880 6.8.3). */
  private useTxMs: number;
  private useRxMs: number;
  private polling = false;
  private lastTx = -Infinity;
  private jitter = 1;
  private nextTx: number;
  private detectAt = Infinity;

  constructor(
    cfg: BfdSessionConfig,
    private readonly random: () => number,
    now: number,
  ) {
    if (
      !Number.isInteger(cfg.localDiscriminator) ||
      cfg.localDiscriminator < 1 ||
      cfg.localDiscriminator > 0xffffffff
    ) {
      throw new RangeError(`local discriminator ${cfg.localDiscriminator} is not 1..2^32-1`);
    }
    checkTimers(cfg);
    this.cfg = cfg;
    this.advTxMs = this.useTxMs = Math.max(SLOW_TX_MS, cfg.desiredMinTxMs);
    this.advRxMs = this.useRxMs = cfg.requiredMinRxMs;
    this.nextTx = now;
  }

  get state(): BfdState {
    return this.stateValue;
  }
  get diag(): number {
    return this.diagValue;
  }
  get localDiscriminator(): number {
    return this.cfg.localDiscriminator;
  }
  get remoteDiscriminator(): number {
    return this.remoteDiscr;
  }
  /** bfd.RemoteSessionState: the state the peer last reported. */
  get remoteState(): BfdState {
    return this.remoteStateValue;
  }
  get remoteDemand(): boolean {
    return this.remoteDemandValue;
  }
  get pollInProgress(): boolean {
    return this.polling;
  }
  /** Why echo is off although the profile asks for it; absent when it does not. */
  get echoRefusal(): string | undefined {
    return this.cfg.echoMode ? ECHO_REFUSAL : undefined;
  }

  /** The negotiated transmit interval before jitter: max(our desired min TX, their required min RX); 0 = none. */
  get txIntervalMs(): number {
    if (this.remoteMinRxMs === 0) return 0;
    return Math.max(this.useTxMs, this.remoteMinRxMs);
  }

  /** Their detect multiplier x max(our required min RX, their desired min TX); 0 before a packet arrived. */
  get detectionTimeMs(): number {
    return this.remoteDetectMult * Math.max(this.useRxMs, this.remoteDesiredTxMs);
  }

  /** The earliest time tick has something to do (Infinity: nothing until a packet arrives). */
  nextDeadline(): number {
    return Math.min(this.sendingAllowed() ? this.nextTx : Infinity, this.detectAt);
  }

  handle(p: ControlPacket, now: number): Output {
    this.remoteDiscr = p.myDiscriminator;
    this.remoteStateValue = p.state;
    this.remoteDemandValue = p.demand;
    this.remoteMinRxMs = usToMs(p.requiredMinRxUs);
    this.remoteDesiredTxMs = usToMs(p.desiredMinTxUs);
    this.remoteDetectMult = p.detectMult;
    if (p.final && this.polling) this.endPoll();
    this.detectAt = now + this.detectionTimeMs;
    this.reschedule();
    if (this.stateValue === 'adminDown') return {};

    let change: StateChange | undefined;
    const s = this.stateValue;
    if (p.state === 'adminDown') {
      if (s !== 'down') change = this.moveTo('down', Diag.neighborSignaledSessionDown);
    } else if (s === 'down') {
      if (p.state === 'down') change = this.moveTo('init', Diag.none);
      else if (p.state === 'init') change = this.moveTo('up', Diag.none);
    } else if (s === 'init') {
      if (p.state === 'init' || p.state === 'up') change = this.moveTo('up', Diag.none);
    } else if (p.state === 'down') {
      change = this.moveTo('down', Diag.neighborSignaledSessionDown);
    }
    // A poll is answered at once with F (RFC 5880 6.8.6); a state change is told at once too, so the three-way
    // handshake does not wait a slow (1 s) interval per step.
    if (p.poll || change) return { send: this.packet(now, p.poll), ...(change ? { stateChange: change } : {}) };
    return {};
  }

  tick(now: number): Output {
    let change: StateChange | undefined;
    if (now >= this.detectAt) {
      this.detectAt = Infinity;
      if (this.stateValue === 'init' || this.stateValue === 'up') {
        change = this.moveTo('down', Diag.controlDetectionTimeExpired);
      }
      // RFC 5880 6.8.1: after a detection time without packets the peer is forgotten.
      this.remoteDiscr = 0;
      this.remoteStateValue = 'down';
      this.remoteMinRxMs = 0.001;
      this.remoteDesiredTxMs = 0;
      this.remoteDetectMult = 0;
      this.remoteDemandValue = false;
      this.reschedule();
    }
    if (!this.sendingAllowed()) return change ? { stateChange: change } : {};
    if (change || now >= this.nextTx)
      return { send: this.packet(now, false), ...(change ? { stateChange: change } : {}) };
    return {};
  }

  /** Administratively down (true) or back (false): RFC 5880 6.8.16. */
  setAdminDown(down: boolean, now: number): Output {
    if (down === (this.stateValue === 'adminDown')) return {};
    const change = down ? this.moveTo('adminDown', Diag.administrativelyDown) : this.moveTo('down', Diag.none);
    return this.sendingAllowed() ? { send: this.packet(now, false), stateChange: change } : { stateChange: change };
  }

  /** New timers (a changed BFDProfile): advertised at once, and used once a poll sequence makes that safe. */
  setTimers(t: BfdTimers, now: number): Output {
    checkTimers(t);
    this.cfg = { ...this.cfg, ...t };
    this.applyTimers();
    return this.polling && this.sendingAllowed() ? { send: this.packet(now, false) } : {};
  }

  private applyTimers(): void {
    const up = this.stateValue === 'up';
    const tx = up ? this.cfg.desiredMinTxMs : Math.max(SLOW_TX_MS, this.cfg.desiredMinTxMs);
    const rx = this.cfg.requiredMinRxMs;
    if (tx === this.advTxMs && rx === this.advRxMs) return;
    this.advTxMs = tx;
    this.advRxMs = rx;
    // RFC 5880 6.8.3: while Up, a longer TX interval and a shorter RX interval wait for the poll sequence's end;
    // the safe directions (and anything while not Up) apply at once.
    if (!up || tx < this.useTxMs) this.useTxMs = tx;
    if (!up || rx > this.useRxMs) this.useRxMs = rx;
    this.polling = up;
    this.reschedule();
  }

  private endPoll(): void {
    this.polling = false;
    this.useTxMs = this.advTxMs;
    this.useRxMs = this.advRxMs;
  }

  private moveTo(to: BfdState, diag: number): StateChange {
    const from = this.stateValue;
    this.stateValue = to;
    this.diagValue = diag;
    if (from === 'up') this.polling = false;
    this.applyTimers();
    return { from, to, diag };
  }

  /** RFC 5880 6.8.7: nothing while the peer's RX interval is 0, nor (passive) before the peer has sent. */
  private sendingAllowed(): boolean {
    if (this.remoteMinRxMs === 0) return false;
    return !(this.cfg.passive && this.remoteDiscr === 0);
  }

  /** Keeps the drawn jitter of the last send and re-applies it to the current interval. */
  private reschedule(): void {
    if (this.lastTx !== -Infinity) this.nextTx = this.lastTx + this.jitter * this.txIntervalMs;
  }

  private packet(now: number, final: boolean): ControlPacket {
    // RFC 5880 6.8.7: each interval is reduced by 0-25% at random, by 10-25% when the detect multiplier is 1.
    const span = this.cfg.detectMultiplier === 1 ? 0.15 : 0.25;
    this.jitter = 1 - 0.25 + span * this.random();
    this.lastTx = now;
    this.nextTx = now + this.jitter * this.txIntervalMs;
    return {
      diag: this.diagValue,
      state: this.stateValue,
      // A packet with F does not carry P (RFC 5880 6.5).
      poll: this.polling && !final,
      final,
      cpi: false,
      demand: false,
      detectMult: this.cfg.detectMultiplier,
      myDiscriminator: this.cfg.localDiscriminator,
      yourDiscriminator: this.remoteDiscr,
      desiredMinTxUs: msToUs(this.advTxMs),
      requiredMinRxUs: msToUs(this.advRxMs),
      requiredMinEchoRxUs: 0,
    };
  }
}

function checkTimers(t: BfdTimers): void {
  for (const [what, v] of [
    ['desired min TX', t.desiredMinTxMs],
    ['required min RX', t.requiredMinRxMs],
  ] as const) {
    if (!Number.isFinite(v) || v < 0.001 || msToUs(v) > 0xffffffff)
      throw new RangeError(`${what} ${v} ms is out of range`);
  }
  if (!Number.isInteger(t.detectMultiplier) || t.detectMultiplier < 1 || t.detectMultiplier > 255) {
    throw new RangeError(`detect multiplier ${t.detectMultiplier} is not 1..255`);
  }
}
