/**
 * A fast, well-spread 32-bit string hash: FNV-1a over UTF-16 code units, then MurmurHash3's
 * finaliser, whose avalanche keeps ring positions of similar keys ("target#1", "target#2") apart.
 */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
