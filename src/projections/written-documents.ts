/**
 * The documents a rebuild has written since its reset, in a fixed number of bytes whatever the
 * size of the log (a Bloom filter): `mayHave` is never false for a document written, and seldom
 * true for one that was not — then the projector asks the store, which answers it is absent. A
 * set of every key would grow with the log: 2 million strings, a few hundred MB, at ten departments.
 */
export class WrittenDocuments {
  private readonly bits: Uint32Array;
  private readonly mask: number;

  /** `bytes`: rounded down to a power of two, at least 1 KiB. */
  constructor(bytes: number) {
    let words = 256;
    while (words * 2 * 4 <= bytes) words *= 2;
    this.bits = new Uint32Array(words);
    this.mask = words * 32 - 1;
  }

  add(key: string): void {
    for (const bit of this.bitsOf(key)) this.bits[bit >>> 5] |= 1 << (bit & 31);
  }

  mayHave(key: string): boolean {
    for (const bit of this.bitsOf(key)) if ((this.bits[bit >>> 5] & (1 << (bit & 31))) === 0) return false;
    return true;
  }

  /** Four bit positions from two FNV-1a hashes of the key (double hashing). */
  private bitsOf(key: string): number[] {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    h2 |= 1;
    return [0, 1, 2, 3].map((k) => (h1 + Math.imul(k, h2)) & this.mask);
  }
}
