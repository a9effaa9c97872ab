/**
 * A sorted set of addresses (a treap) whose nodes also know their subtree's span and whether every usable address
 * in it is a member. A full subtree holds no free address, so the lowest free address is found by skipping full
 * subtrees: O(log n) in members, independent of the size of the range searched.
 */
import { everyAddress, type AddressSpace } from './addressSpace';

// Successors are computed once per node: bigint arithmetic allocates, and updates run on every insert and delete.
export interface Node {
  readonly value: bigint;
  /** The lowest usable address above value. */
  readonly succ: bigint;
  /** 1 if value itself is usable. */
  readonly own: number;
  readonly priority: number;
  left: Node | undefined;
  right: Node | undefined;
  min: bigint;
  max: bigint;
  /** succ of the subtree's maximum */
  maxSucc: bigint;
  size: number;
  usable: number;
  /** Every usable address from min to max is a member. */
  full: boolean;
}

export class AddressSet {
  private root: Node | undefined;
  // A fixed seed keeps the tree shape, and so any benchmark, reproducible.
  private seed = 0x9e3779b9;
  /** Set by insert and remove when they found something to do, so neither needs a separate lookup first; read and
   * cleared by took(). */
  private changed = false;
  /** The search position of firstFree; a field rather than a return value so the walk allocates nothing. */
  private cursor = 0n;

  constructor(private readonly space: AddressSpace = everyAddress) {}

  get size(): number {
    return this.root?.size ?? 0;
  }

  /** Members the space counts as usable (a held .255 in an avoidBuggyIPs pool is a member, but not usable). */
  get usableSize(): number {
    return this.root?.usable ?? 0;
  }

  /** The tree itself, read-only: its shape and summaries decide the speed of every search, and only tests read them. */
  get tree(): Readonly<Node> | undefined {
    return this.root;
  }

  add(value: bigint): boolean {
    const succ = this.space.next(value + 1n);
    const own = this.space.usable(value) ? 1 : 0;
    // A leaf: its subtree is itself, full (nothing usable lies between its value and itself).
    const node: Node = {
      value,
      succ,
      own,
      priority: this.random(),
      left: undefined,
      right: undefined,
      min: value,
      max: value,
      maxSucc: succ,
      size: 1,
      usable: own,
      full: true,
    };
    this.root = this.insert(this.root, node);
    return this.took();
  }

  delete(value: bigint): boolean {
    this.root = this.remove(this.root, value);
    return this.took();
  }

  /** The smallest member >= value. */
  ceil(value: bigint): bigint | undefined {
    let n = this.root;
    let best: bigint | undefined;
    while (n) {
      if (n.value >= value) {
        best = n.value;
        n = n.left;
      } else {
        n = n.right;
      }
    }
    return best;
  }

  /** Members >= from, ascending. */
  *from(from: bigint): Generator<bigint> {
    for (let v = this.ceil(from); v !== undefined; v = this.ceil(v + 1n)) yield v;
  }

  /** The lowest usable address in [lo, hi] that is not a member. */
  firstFree(lo: bigint, hi: bigint): bigint | undefined {
    const start = this.space.next(lo);
    if (start > hi) return undefined;
    this.cursor = start;
    this.gap(this.root);
    return this.cursor <= hi ? this.cursor : undefined;
  }

  /**
   * In-order walk from the cursor (a usable address not yet known to be taken) that skips full subtrees and moves
   * the cursor past the members it meets. Only the path to the start and one path to the gap are walked, every other
   * subtree is passed whole (wholly above or below the cursor: two comparisons, so once the cursor is free the way
   * back up costs a call per level). The cursor ends on the lowest free address at or above the
   * start: past the last member, everything is free.
   */
  private gap(n: Node | undefined): void {
    if (!n || n.max < this.cursor || n.min > this.cursor) return;
    if (n.full) {
      this.cursor = n.maxSucc;
      return;
    }
    this.gap(n.left);
    if (n.value === this.cursor) this.cursor = n.succ;
    this.gap(n.right);
  }

  /** Whether the last insert or remove changed the set. */
  private took(): boolean {
    const changed = this.changed;
    this.changed = false;
    return changed;
  }

  private update(n: Node): void {
    const { left, right } = n;
    n.min = left ? left.min : n.value;
    n.max = right ? right.max : n.value;
    n.maxSucc = right ? right.maxSucc : n.succ;
    n.size = 1 + (left?.size ?? 0) + (right?.size ?? 0);
    n.usable = n.own + (left?.usable ?? 0) + (right?.usable ?? 0);
    // Both children full and no usable address between them and this node: full, without counting the span.
    n.full = (left ? left.full && left.maxSucc >= n.value : true) && (right ? right.full && n.succ >= right.min : true);
  }

  /** Treap insertion: down by value, then rotate up while the new node outranks its parent. */
  private insert(n: Node | undefined, node: Node): Node {
    if (!n) {
      this.changed = true;
      return node;
    }
    if (node.value === n.value) return n;
    if (node.value < n.value) {
      n.left = this.insert(n.left, node);
      if (n.left.priority > n.priority) return this.rotateRight(n, n.left);
    } else {
      n.right = this.insert(n.right, node);
      if (n.right.priority > n.priority) return this.rotateLeft(n, n.right);
    }
    this.update(n);
    return n;
  }

  private remove(n: Node | undefined, value: bigint): Node | undefined {
    if (!n) return undefined;
    if (value === n.value) {
      this.changed = true;
      return this.merge(n.left, n.right);
    }
    if (value < n.value) n.left = this.remove(n.left, value);
    else n.right = this.remove(n.right, value);
    this.update(n);
    return n;
  }

  private rotateRight(n: Node, l: Node): Node {
    n.left = l.right;
    l.right = n;
    this.update(n);
    this.update(l);
    return l;
  }

  private rotateLeft(n: Node, r: Node): Node {
    n.right = r.left;
    r.left = n;
    this.update(n);
    this.update(r);
    return r;
  }

  /** Every member of `a` is below every member of `b`. */
  private merge(a: Node | undefined, b: Node | undefined): Node | undefined {
    if (!a) return b;
    if (!b) return a;
    if (a.priority > b.priority) {
      a.right = this.merge(a.right, b);
      this.update(a);
      return a;
    }
    b.left = this.merge(a, b.left);
    this.update(b);
    return b;
  }

  /** xorshift32 */
  private random(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed;
  }
}
