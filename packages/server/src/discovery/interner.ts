// String -> small integer ids for the rollup keys (users, source IPs, hosts).
// Hosts, users and addresses repeat heavily in a log, so the pipeline works with ids and turns
// them back into strings once, when the report is built. Two ways in that give the same ids:
//  - idOf(string): a Map lookup, for records from the generic parsers;
//  - idOfBytes(buf, start, end): an open-addressing table over the UTF-8 bytes, for the byte-level
//    fast paths, which then never create a string for a value they have seen before.
// A byte miss decodes the bytes and asks the string map, so both agree on every id.

const EMPTY_SLOT = -1;

export class Interner {
  private readonly byString = new Map<string, number>();
  private readonly strings: string[] = [];
  // Byte table: slot -> id (or -1), with the hash kept beside it to skip most byte compares.
  private slots = new Int32Array(1 << 12).fill(EMPTY_SLOT);
  private slotHash = new Int32Array(1 << 12);
  // Arena of the bytes of every id entered through idOfBytes: id -> [offset, length].
  private arena = Buffer.allocUnsafe(1 << 14);
  private arenaUsed = 0;
  private offsets = new Int32Array(1 << 10).fill(-1);
  private lengths = new Int32Array(1 << 10);
  private byteEntries = 0;

  get size(): number {
    return this.strings.length;
  }

  /** The string for an id. */
  get(id: number): string {
    return this.strings[id]!;
  }

  idOf(s: string): number {
    let id = this.byString.get(s);
    if (id === undefined) {
      // A private copy: a parsed value may be a V8 slice that would keep its whole chunk alive.
      const owned = s.length < 13 ? s : (' ' + s).slice(1);
      id = this.strings.length;
      this.strings.push(owned);
      this.byString.set(owned, id);
    }
    return id;
  }

  /** FNV-1a over the bytes; the fast paths may compute it while scanning and pass it in. */
  static hashBytes(buf: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    return h;
  }

  idOfBytes(buf: Uint8Array, start: number, end: number, hash = Interner.hashBytes(buf, start, end)): number {
    const mask = this.slots.length - 1;
    const len = end - start;
    let s = (hash ^ (hash >>> 15)) & mask;
    for (;;) {
      const id = this.slots[s]!;
      if (id === EMPTY_SLOT) break;
      if (this.slotHash[s] === hash && this.lengths[id] === len) {
        const off = this.offsets[id]!;
        const a = this.arena;
        let k = 0;
        while (k < len && a[off + k] === buf[start + k]) k++;
        if (k === len) return id;
      }
      s = (s + 1) & mask;
    }
    const id = this.idOf(Buffer.from(buf.buffer, buf.byteOffset + start, len).toString('utf8'));
    if (id < this.offsets.length && this.offsets[id] !== -1) return id; // bytes already stored (cannot happen for valid UTF-8)
    this.storeBytes(id, buf, start, end);
    this.slots[s] = id;
    this.slotHash[s] = hash;
    if (++this.byteEntries * 2 > this.slots.length) this.growSlots();
    return id;
  }

  private storeBytes(id: number, buf: Uint8Array, start: number, end: number): void {
    const len = end - start;
    if (this.arenaUsed + len > this.arena.length) {
      const next = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.arenaUsed + len));
      this.arena.copy(next, 0, 0, this.arenaUsed);
      this.arena = next;
    }
    if (id >= this.offsets.length) {
      let n = this.offsets.length * 2;
      while (n <= id) n *= 2;
      const o = new Int32Array(n).fill(-1);
      o.set(this.offsets);
      const l = new Int32Array(n);
      l.set(this.lengths);
      this.offsets = o;
      this.lengths = l;
    }
    this.arena.set(buf.subarray(start, end), this.arenaUsed);
    this.offsets[id] = this.arenaUsed;
    this.lengths[id] = len;
    this.arenaUsed += len;
  }

  private growSlots(): void {
    const n = this.slots.length * 2;
    const slots = new Int32Array(n).fill(EMPTY_SLOT);
    const hashes = new Int32Array(n);
    const mask = n - 1;
    for (let i = 0; i < this.slots.length; i++) {
      const id = this.slots[i]!;
      if (id === EMPTY_SLOT) continue;
      const h = this.slotHash[i]!;
      let s = (h ^ (h >>> 15)) & mask;
      while (slots[s] !== EMPTY_SLOT) s = (s + 1) & mask;
      slots[s] = id;
      hashes[s] = h;
    }
    this.slots = slots;
    this.slotHash = hashes;
  }
}
