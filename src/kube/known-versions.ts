// The watch's memory of which Events exist: uid → resourceVersion. The API server's uids are UUIDs
// and its resourceVersions decimal integers; those are kept in a flat open-addressing table (16 bytes
// of uid and 8 of version a slot, outside the JavaScript heap), which costs a fraction of a Map's
// per-entry strings and hashing for the watch's one look-up per event. Anything else goes to a Map.

/** A resourceVersion as it is kept. */
export type StoredVersion = number | string;

/**
 * etcd's resourceVersions are decimal integers: kept as numbers they take no string each. Any other
 * value is opaque to us and kept as it is; the two never compare equal.
 */
export function storedVersion(rv: string): StoredVersion {
  // Read digit by digit (once per watched event): no regular expression run, no second pass to convert.
  if (rv.length === 0 || rv.length > 15 || rv.charCodeAt(0) === 48) return rv;
  let value = 0;
  for (let i = 0; i < rv.length; i++) {
    const digit = rv.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return rv;
    value = value * 10 + digit;
  }
  return value;
}

const DASH = 45;
// Linear probing stays short up to 80 % full (about 3 probes per hit); the table is 24 bytes a slot, so
// 100,000 uids fit 131,072 slots (3 MiB) instead of doubling to 6 MiB, and the old table is not held with it.
const MAX_LOAD = 0.8;
const INITIAL_SLOTS = 1024;

/** The table grows before it is this full, so a probe ends soon at an empty slot. */
export class KnownVersions {
  private slots = INITIAL_SLOTS;
  /** Four 32-bit words of uid per slot. */
  private uids = new Int32Array(INITIAL_SLOTS * 4);
  /** 0 marks an empty slot (a stored number is at least 1). */
  private versions = new Float64Array(INITIAL_SLOTS);
  private used = 0;
  private readonly others = new Map<string, StoredVersion>();
  /** The words of the uid being looked up. */
  private readonly words = new Int32Array(4);

  get size(): number {
    return this.used + this.others.size;
  }

  get(uid: string): StoredVersion | undefined {
    if (this.parse(uid)) {
      const slot = this.find();
      if (this.versions[slot] !== 0) return this.versions[slot];
    }
    return this.others.size === 0 ? undefined : this.others.get(uid);
  }

  has(uid: string): boolean {
    return this.get(uid) !== undefined;
  }

  /** Sets uid's version; false when it already had this one (one look-up for the watch's question and update). */
  remember(uid: string, version: StoredVersion): boolean {
    const isUuid = this.parse(uid);
    if (isUuid && typeof version === 'number') {
      if (this.others.size > 0) this.others.delete(uid);
      let slot = this.find();
      if (this.versions[slot] === version) return false;
      if (this.versions[slot] === 0) {
        if (this.used + 1 > this.slots * MAX_LOAD) {
          this.grow();
          slot = this.find();
        }
        this.uids.set(this.words, slot * 4);
        this.used++;
      }
      this.versions[slot] = version;
      return true;
    }
    if (isUuid) this.remove();
    if (this.others.get(uid) === version) return false;
    this.others.set(uid, version);
    return true;
  }

  delete(uid: string): void {
    if (this.parse(uid)) this.remove();
    if (this.others.size > 0) this.others.delete(uid);
  }

  /** Reads a lowercase UUID (8-4-4-4-12 hex digits) into `words`; false for any other uid. */
  private parse(uid: string): boolean {
    if (uid.length !== 36 || uid.charCodeAt(8) !== DASH || uid.charCodeAt(13) !== DASH || uid.charCodeAt(18) !== DASH || uid.charCodeAt(23) !== DASH) return false;
    let word = 0;
    let digits = 0;
    let k = 0;
    for (let i = 0; i < 36; i++) {
      if (i === 8 || i === 13 || i === 18 || i === 23) continue;
      const c = uid.charCodeAt(i);
      const value = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (value < 0) return false;
      word = (word << 4) | value;
      if (++digits === 8) {
        this.words[k++] = word;
        word = 0;
        digits = 0;
      }
    }
    return true;
  }

  /** The home slot of `words` (uids need not be random: version-1 and hand-made ones are not). */
  private home(w0: number, w1: number, w2: number, w3: number): number {
    let h = w0 ^ Math.imul(w1, 0x9e3779b1) ^ Math.imul(w2, 0x85ebca6b) ^ Math.imul(w3, 0xc2b2ae35);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & (this.slots - 1);
  }

  /** The slot holding `words`, or the empty slot where it would go. */
  private find(): number {
    const words = this.words;
    const w0 = words[0]!;
    const w1 = words[1]!;
    const w2 = words[2]!;
    const w3 = words[3]!;
    const uids = this.uids;
    const mask = this.slots - 1;
    for (let slot = this.home(w0, w1, w2, w3); ; slot = (slot + 1) & mask) {
      if (this.versions[slot] === 0) return slot;
      const at = slot * 4;
      if (uids[at] === w0 && uids[at + 1] === w1 && uids[at + 2] === w2 && uids[at + 3] === w3) return slot;
    }
  }

  /** Removes `words`, shifting back the entries after it so no probe stops early (no tombstones). */
  private remove(): void {
    let hole = this.find();
    if (this.versions[hole] === 0) return;
    this.versions[hole] = 0;
    this.used--;
    const mask = this.slots - 1;
    const uids = this.uids;
    for (let slot = (hole + 1) & mask; this.versions[slot] !== 0; slot = (slot + 1) & mask) {
      const at = slot * 4;
      const home = this.home(uids[at]!, uids[at + 1]!, uids[at + 2]!, uids[at + 3]!);
      // The entry may move back to the hole unless its home lies after the hole, up to where it is.
      const staysPut = hole <= slot ? hole < home && home <= slot : hole < home || home <= slot;
      if (staysPut) continue;
      uids.copyWithin(hole * 4, at, at + 4);
      this.versions[hole] = this.versions[slot]!;
      this.versions[slot] = 0;
      hole = slot;
    }
  }

  /** Doubles the table; `words` (the uid being added) is left as it is. */
  private grow(): void {
    const { uids, versions, slots } = this;
    this.slots = slots * 2;
    const mask = this.slots - 1;
    const movedUids = (this.uids = new Int32Array(this.slots * 4));
    const movedVersions = (this.versions = new Float64Array(this.slots));
    for (let slot = 0; slot < slots; slot++) {
      if (versions[slot] === 0) continue;
      // Word by word into the first empty slot (the uids are distinct): no subarray allocated per entry.
      const at = slot * 4;
      const w0 = uids[at]!;
      const w1 = uids[at + 1]!;
      const w2 = uids[at + 2]!;
      const w3 = uids[at + 3]!;
      let to = this.home(w0, w1, w2, w3);
      while (movedVersions[to] !== 0) to = (to + 1) & mask;
      movedUids[to * 4] = w0;
      movedUids[to * 4 + 1] = w1;
      movedUids[to * 4 + 2] = w2;
      movedUids[to * 4 + 3] = w3;
      movedVersions[to] = versions[slot]!;
    }
  }
}
