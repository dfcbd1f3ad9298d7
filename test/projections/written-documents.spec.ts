import { WrittenDocuments } from '../../src/projections/written-documents';

describe('the documents a rebuild wrote, in a fixed number of bytes', () => {
  it('never forgets a document written, and seldom claims one that was not', () => {
    const written = new WrittenDocuments(64 * 1024);
    const keys = Array.from({ length: 20_000 }, (_, i) => `notebook_entries\u0000C14${String(i).padStart(4, '0')}:2026:e${i}`);
    for (const key of keys) written.add(key);

    expect(keys.every((key) => written.mayHave(key))).toBe(true);
    const strangers = Array.from({ length: 20_000 }, (_, i) => `board\u0000C27${i}:2025`).filter((key) => written.mayHave(key));
    // 64 KiB for 20,000 keys: about 26 bits each, four hashes: well under 1 % false "maybe".
    expect(strangers.length).toBeLessThan(200);
  });
});
