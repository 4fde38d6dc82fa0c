/** Every configuration key git ov knows, with its default and type. Defaults live here, in code. */
export type ConfigType = "string" | "int" | "bool" | "enum";

export interface KeySpec {
  type: ConfigType;
  default: string | number | boolean;
  doc: string;
  values?: readonly string[];
  min?: number;
  max?: number;
}

export const CONFIG_KEYS = {
  "project.name": {
    type: "string",
    default: "",
    doc: "project name (default: the repository directory name)",
  },
  "project.canonicalBranch": {
    type: "string",
    default: "main",
    doc: "branch agents start from and merge into",
  },
  "project.verifyCommand": {
    type: "string",
    default: "",
    doc: "command that must pass after an AI merge resolution",
  },
  "agents.maxConcurrent": { type: "int", default: 25, min: 1, doc: "active agents allowed at once" },
  "agents.maxDepth": { type: "int", default: 2, min: 0, doc: "deepest allowed hierarchy level" },
  "agents.maxSessionsPerRun": { type: "int", default: 0, min: 0, doc: "agents per run (0 = unlimited)" },
  "agents.maxAgentsPerLead": {
    type: "int",
    default: 5,
    min: 0,
    doc: "active children per lead (0 = unlimited)",
  },
  "runtime.default": { type: "string", default: "claude", doc: "runtime for new agents (claude, scripted)" },
  "runtime.claude.binary": { type: "string", default: "claude", doc: "Claude Code executable" },
  "runtime.claude.permissionMode": {
    type: "enum",
    default: "bypassPermissions",
    values: ["bypassPermissions", "acceptEdits", "default", "plan"],
    doc: "Claude Code --permission-mode for agents",
  },
  "runtime.claude.sandbox": {
    type: "bool",
    default: false,
    doc: "declare the agent environment a sandbox (IS_SANDBOX=1), needed to bypass permissions as root",
  },
  "runtime.claude.model": {
    type: "string",
    default: "",
    doc: "model for Claude agents (empty: the CLI default)",
  },
  "runtime.claude.maxTurns": {
    type: "int",
    default: 0,
    min: 0,
    doc: "cap on model calls per Claude turn (--max-turns; 0 = no cap); a capped turn ends idle",
  },
  "turn.stallMs": {
    type: "int",
    default: 600_000,
    min: 0,
    doc: "kill a turn with no runtime event for this long (0 = never)",
  },
  "turn.lockTimeoutMs": {
    type: "int",
    default: 60_000,
    min: 0,
    doc: "wait this long for an agent's turn lock",
  },
  "turn.killGraceMs": { type: "int", default: 2000, min: 0, doc: "SIGTERM to SIGKILL delay" },
  "watchdog.intervalMs": { type: "int", default: 30_000, min: 100, doc: "watchdog tick" },
  "watchdog.staleMs": { type: "int", default: 300_000, min: 1, doc: "no activity for this long = stale" },
  "watchdog.zombieMs": { type: "int", default: 600_000, min: 1, doc: "no activity for this long = zombie" },
  "watchdog.nudgeIntervalMs": { type: "int", default: 60_000, min: 1, doc: "time between escalation steps" },
  "watchdog.notifyParentOnDeath": { type: "bool", default: true, doc: "send worker_died to the parent" },
  "watchdog.triage": { type: "bool", default: false, doc: "ask a runtime to classify stuck agents" },
  "watchdog.triageCommand": {
    type: "string",
    default: "claude --print",
    doc: "shell command that reads a triage prompt on stdin and answers retry, terminate or extend",
  },
  "watchdog.sweepGraceMs": {
    type: "int",
    default: 5000,
    min: 0,
    doc: "unread mail younger than this is left to the sender's own dispatch",
  },
  "merge.aiResolve": { type: "bool", default: true, doc: "tier 3: let a runtime resolve conflicts" },
  "merge.reimagine": { type: "bool", default: false, doc: "tier 4: let a runtime re-apply the branch" },
  "merge.autoUnion": {
    type: "bool",
    default: true,
    doc: "tier 2: keep both sides where both only inserted lines at the same place",
  },
  "merge.resolverCommand": {
    type: "string",
    default: "",
    doc: "tiers 3-4: shell command that resolves conflicts in a temporary worktree",
  },
  "merge.resolverTimeoutMs": {
    type: "int",
    default: 600_000,
    min: 0,
    doc: "kill a resolver or verify command after this long (0 = never)",
  },
  "merge.lockLeaseMs": {
    type: "int",
    default: 600_000,
    min: 1000,
    doc: "a merge lock not renewed for this long may be taken over",
  },
  "merge.lockTimeoutMs": {
    type: "int",
    default: 0,
    min: 0,
    doc: "wait for the merge lock (0 = refuse at once)",
  },
  "mail.maxBodyBytes": {
    type: "int",
    default: 1_048_576,
    min: 4096,
    doc: "largest mail body accepted, in bytes (>= 4096)",
  },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;
export type ConfigValue = string | number | boolean;

export function isConfigKey(k: string): k is ConfigKey {
  return Object.hasOwn(CONFIG_KEYS, k);
}

/** Parses a command-line value for `key`; returns a problem string when it does not fit. */
export function parseConfigValue(
  key: ConfigKey,
  raw: string,
): { ok: true; value: ConfigValue } | { ok: false; problem: string } {
  const spec: KeySpec = CONFIG_KEYS[key];
  switch (spec.type) {
    case "string":
      return { ok: true, value: raw };
    case "bool":
      if (/^(true|yes|on|1)$/i.test(raw)) return { ok: true, value: true };
      if (/^(false|no|off|0)$/i.test(raw)) return { ok: true, value: false };
      return { ok: false, problem: `${key} takes true or false, not '${raw}'` };
    case "int": {
      if (!/^-?\d+$/.test(raw.replace(/_/g, "")))
        return { ok: false, problem: `${key} takes a whole number, not '${raw}'` };
      const n = Number(raw.replace(/_/g, ""));
      if (spec.min !== undefined && n < spec.min)
        return { ok: false, problem: `${key} must be >= ${spec.min}` };
      if (spec.max !== undefined && n > spec.max)
        return { ok: false, problem: `${key} must be <= ${spec.max}` };
      return { ok: true, value: n };
    }
    case "enum":
      return spec.values?.includes(raw)
        ? { ok: true, value: raw }
        : { ok: false, problem: `${key} must be one of ${(spec.values ?? []).join(", ")}` };
  }
}

/** Checks a stored value against its key's type (stored documents are untrusted). */
export function validStoredValue(key: ConfigKey, v: unknown): boolean {
  if (typeof v === "string") return parseConfigValue(key, v).ok && CONFIG_KEYS[key].type !== "int";
  if (typeof v === "number") return CONFIG_KEYS[key].type === "int" && parseConfigValue(key, String(v)).ok;
  if (typeof v === "boolean") return CONFIG_KEYS[key].type === "bool";
  return false;
}
