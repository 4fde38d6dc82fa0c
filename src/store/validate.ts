import { isRecord } from "../core/json.js";

/**
 * Tiny validators for documents read from refs (untrusted input). A validator returns the typed
 * value or throws `Invalid` with the path of the offending field.
 */
export class Invalid extends Error {}

export type Validator<T> = (v: unknown, path: string) => T;

export const str: Validator<string> = (v, p) => {
  if (typeof v !== "string") throw new Invalid(`${p} must be a string`);
  return v;
};
export const num: Validator<number> = (v, p) => {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Invalid(`${p} must be a number`);
  return v;
};
export const int: Validator<number> = (v, p) => {
  if (!Number.isInteger(v)) throw new Invalid(`${p} must be an integer`);
  return v as number;
};
export const bool: Validator<boolean> = (v, p) => {
  if (typeof v !== "boolean") throw new Invalid(`${p} must be true or false`);
  return v;
};
export function nullable<T>(inner: Validator<T>): Validator<T | null> {
  return (v, p) => (v === null || v === undefined ? null : inner(v, p));
}
export function optional<T>(inner: Validator<T>): Validator<T | undefined> {
  return (v, p) => (v === undefined ? undefined : inner(v, p));
}
export function oneOf<const T extends readonly string[]>(values: T): Validator<T[number]> {
  return (v, p) => {
    if (typeof v !== "string" || !values.includes(v))
      throw new Invalid(`${p} must be one of ${values.join(", ")}`);
    return v as T[number];
  };
}
export function arrayOf<T>(inner: Validator<T>): Validator<T[]> {
  return (v, p) => {
    if (!Array.isArray(v)) throw new Invalid(`${p} must be an array`);
    return v.map((x, i) => inner(x, `${p}[${i}]`));
  };
}
export const record: Validator<Record<string, unknown>> = (v, p) => {
  if (!isRecord(v)) throw new Invalid(`${p} must be an object`);
  return v;
};
export function shape<T>(fields: { [K in keyof T]: Validator<T[K]> }): Validator<T> {
  return (v, p) => {
    const r = record(v, p);
    const out: Partial<T> = {};
    for (const key of Object.keys(fields) as (keyof T)[]) {
      const val = fields[key](r[key as string], `${p}.${String(key)}`);
      if (val !== undefined) out[key] = val;
    }
    return out as T;
  };
}

/**
 * Runs a validator, returning a problem string instead of throwing. Any error a validator throws
 * counts as a problem: stored documents are untrusted, and a hand-written validator that trips over
 * an odd value (a `TypeError`) must not crash a listing.
 */
export function check<T>(
  validator: Validator<T>,
  v: unknown,
  path = "$",
): { ok: true; value: T } | { ok: false; problem: string } {
  try {
    return { ok: true, value: validator(v, path) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, problem: e.message };
    return { ok: false, problem: `${path}: ${e instanceof Error ? e.message : String(e)}` };
  }
}
