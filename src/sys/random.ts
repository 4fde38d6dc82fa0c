import { nodeCrypto } from "./builtins.js";

/** Random jitter in [0, max). */
export function jitter(max: number): number {
  return max <= 1 ? 0 : nodeCrypto().randomInt(0, Math.floor(max));
}

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** `n` random characters of [0-9a-z]. */
export function randomToken(n: number): string {
  const bytes = nodeCrypto().randomBytes(n);
  let out = "";
  for (const b of bytes) out += ALPHABET[b % 36];
  return out;
}
