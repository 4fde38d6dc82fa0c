import { OvError } from "../core/errors.js";
import { isRecord } from "../core/json.js";
import { nearest } from "../core/text.js";
import type { Deps } from "../store/deps.js";
import { FORMAT_VERSION, readDoc } from "../store/documents.js";
import { describeProblem } from "../store/store.js";
import { record } from "../store/validate.js";
import { mayHaveOvKeys } from "./git-config-scan.js";
import {
  CONFIG_KEYS,
  type ConfigKey,
  type ConfigValue,
  isConfigKey,
  parseConfigValue,
  validStoredValue,
} from "./keys.js";

export const CONFIG_REF = "refs/ov/config";
const CONFIG_FILE = "config.json";

export type ConfigSource = "default" | "refs/ov/config" | "git config";

export interface ResolvedConfig {
  get<K extends ConfigKey>(key: K): (typeof CONFIG_KEYS)[K]["default"] extends number ? number : ConfigValue;
  str(key: ConfigKey): string;
  num(key: ConfigKey): number;
  bool(key: ConfigKey): boolean;
  source(key: ConfigKey): ConfigSource;
  /** Problems found while reading (bad stored values are ignored, not fatal). */
  problems: string[];
}

/** The stored overrides in refs/ov/config (validated). */
export async function readStoredConfig(
  deps: Deps,
): Promise<{ values: Partial<Record<ConfigKey, ConfigValue>>; problems: string[] }> {
  const doc = await readDoc(deps.store, CONFIG_REF, CONFIG_FILE, (v, p) => record(v, p));
  const problems: string[] = [];
  const values: Partial<Record<ConfigKey, ConfigValue>> = {};
  if (doc.kind === "invalid") problems.push(describeProblem(doc.problem));
  if (doc.kind === "ok") {
    const raw = doc.value.values;
    if (!isRecord(raw)) problems.push(`${CONFIG_REF}:${CONFIG_FILE}: "values" must be an object`);
    else {
      for (const [k, v] of Object.entries(raw)) {
        if (!isConfigKey(k)) problems.push(`${CONFIG_REF}: unknown key ${k} ignored`);
        else if (!validStoredValue(k, v)) problems.push(`${CONFIG_REF}: bad value for ${k} ignored`);
        else values[k] = v as ConfigValue;
      }
    }
  }
  return { values, problems };
}

/** Per-user overrides: `git config ov.<key>` (read with one git call). */
async function readGitConfig(deps: Deps): Promise<Partial<Record<ConfigKey, ConfigValue>>> {
  if (!mayHaveOvKeys(deps.repo, deps.env)) return {};
  const res = await deps.git.run(["config", "--get-regexp", "^ov\\."], { check: false });
  const out: Partial<Record<ConfigKey, ConfigValue>> = {};
  const lower = new Map(Object.keys(CONFIG_KEYS).map((k) => [k.toLowerCase(), k as ConfigKey]));
  for (const line of res.stdout.split("\n")) {
    const sp = line.indexOf(" ");
    if (sp < 0) continue;
    const key = lower.get(line.slice(3, sp).toLowerCase());
    if (!key) continue;
    const parsed = parseConfigValue(key, line.slice(sp + 1));
    if (parsed.ok) out[key] = parsed.value;
  }
  return out;
}

/** Resolves configuration: defaults ← refs/ov/config ← git config ov.*. */
export async function loadConfig(deps: Deps): Promise<ResolvedConfig> {
  const [stored, user] = await Promise.all([readStoredConfig(deps), readGitConfig(deps)]);
  const pick = (key: ConfigKey): { v: ConfigValue; s: ConfigSource } => {
    if (user[key] !== undefined) return { v: user[key], s: "git config" };
    if (stored.values[key] !== undefined) return { v: stored.values[key], s: "refs/ov/config" };
    return { v: CONFIG_KEYS[key].default, s: "default" };
  };
  return {
    get: ((key: ConfigKey) => pick(key).v) as ResolvedConfig["get"],
    str: (key) => String(pick(key).v),
    num: (key) => Number(pick(key).v),
    bool: (key) => pick(key).v === true,
    source: (key) => pick(key).s,
    problems: stored.problems,
  };
}

export function requireKey(key: string): ConfigKey {
  if (isConfigKey(key)) return key;
  const near = nearest(key, Object.keys(CONFIG_KEYS));
  throw new OvError("CONFIG", `unknown config key '${key}'`, {
    data: { key },
    hint: near
      ? `did you mean '${near}'? (git ov config list shows every key)`
      : "git ov config list shows every key",
  });
}

/** Sets (or with `value` undefined, unsets) one key in refs/ov/config. */
export async function setConfig(
  deps: Deps,
  key: ConfigKey,
  raw: string | undefined,
): Promise<ConfigValue | undefined> {
  let value: ConfigValue | undefined;
  if (raw !== undefined) {
    const parsed = parseConfigValue(key, raw);
    if (!parsed.ok)
      throw new OvError("CONFIG", parsed.problem, { data: { key, value: raw }, hint: CONFIG_KEYS[key].doc });
    value = parsed.value;
  }
  await deps.store.update(CONFIG_REF, async (draft) => {
    const cur = await draft.readJson(CONFIG_FILE);
    const values: Record<string, unknown> =
      cur?.ok && isRecord(cur.value) && isRecord(cur.value.values) ? { ...cur.value.values } : {};
    if (value === undefined) delete values[key];
    else values[key] = value;
    await draft.writeJson(CONFIG_FILE, { v: FORMAT_VERSION, values });
    return {
      write: {
        subject: value === undefined ? `config: unset ${key}` : `config: ${key} = ${String(value)}`,
        trailers: { "Ov-Op": "config-set", "Ov-Key": key },
      },
      value: undefined,
    };
  });
  return value;
}

/** Writes the config document if it does not exist yet (init); returns true when it was created. */
export async function ensureConfig(
  deps: Deps,
  initial: Partial<Record<ConfigKey, ConfigValue>>,
): Promise<boolean> {
  const out = await deps.store.update(CONFIG_REF, async (draft, ctx) => {
    if (ctx.tip) return { write: false, value: false };
    await draft.writeJson(CONFIG_FILE, { v: FORMAT_VERSION, values: initial });
    return { write: { subject: "config: initialise", trailers: { "Ov-Op": "init" } }, value: true };
  });
  return out.value;
}
