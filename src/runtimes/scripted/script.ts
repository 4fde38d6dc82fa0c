import { isRecord } from "../../core/json.js";
import { Invalid } from "../../store/validate.js";

/** One action of the scripted agent. See docs/scripted-runtime.md for the JSON forms. */
export type Step =
  | { op: "write"; path: string; content: string }
  | { op: "edit"; path: string; find: string; replace: string; all: boolean }
  | { op: "run"; command: string; check: boolean }
  | { op: "commit"; message: string }
  | MailStep
  | SlingStep
  | { op: "say"; text: string }
  | { op: "sleep"; ms: number }
  | { op: "hang"; ignoreSigterm: boolean }
  | { op: "silent_hang" }
  | { op: "exit"; code: number }
  | { op: "garbage"; text: string }
  | { op: "fail"; text: string };

export interface MailStep {
  op: "mail";
  to: string;
  subject: string;
  body: string;
  type: string;
  priority?: string;
  from?: string;
  payload?: unknown;
}

export interface SlingStep {
  op: "sling";
  task: string;
  capability: string;
  name: string;
  parent?: string;
  spec?: string;
  files?: string[];
  runtime: string;
  /** The child's script: a path (relative to the agent's worktree), or inline (validated, kept as written). */
  script?: { path: string } | { inline: unknown };
  /** Extra `git ov sling` arguments, passed through verbatim. */
  args: string[];
}

export interface Script {
  turns: Step[][];
  /** Turns past the end of `turns`: `idle` answers with an empty successful turn, `repeat-last` reruns the last. */
  after: "idle" | "repeat-last";
  model: string;
  usage: { inputTokens: number; outputTokens: number };
  costUsd: number;
}

const OPS = [
  "write",
  "edit",
  "run",
  "commit",
  "mail",
  "sling",
  "say",
  "sleep",
  "hang",
  "silent_hang",
  "exit",
  "garbage",
  "fail",
];

/** Validates a script document; throws `Invalid` naming the offending field. */
export function parseScript(raw: unknown, path = "script"): Script {
  if (Array.isArray(raw)) return parseScript({ steps: raw }, path);
  if (!isRecord(raw))
    throw new Invalid(`${path} must be an object with "steps" or "turns", or a list of steps`);
  if (raw.steps !== undefined && raw.turns !== undefined)
    throw new Invalid(`${path} has both "steps" and "turns"; use one`);
  const turns =
    raw.turns !== undefined
      ? list(raw.turns, `${path}.turns`).map((t, i) =>
          list(t, `${path}.turns[${i}]`).map((s, j) => parseStep(s, `${path}.turns[${i}][${j}]`)),
        )
      : [list(raw.steps ?? [], `${path}.steps`).map((s, j) => parseStep(s, `${path}.steps[${j}]`))];
  const after = raw.after ?? "idle";
  if (after !== "idle" && after !== "repeat-last")
    throw new Invalid(`${path}.after must be "idle" or "repeat-last"`);
  const usage = isRecord(raw.usage) ? raw.usage : {};
  return {
    turns,
    after,
    model: optStr(raw.model, `${path}.model`) ?? "scripted",
    usage: {
      inputTokens: optNat(usage.inputTokens, `${path}.usage.inputTokens`) ?? 100,
      outputTokens: optNat(usage.outputTokens, `${path}.usage.outputTokens`) ?? 20,
    },
    costUsd: optNum(raw.costUsd, `${path}.costUsd`) ?? 0.001,
  };
}

function parseStep(raw: unknown, p: string): Step {
  if (raw === "hang" || raw === "silent_hang") return parseStep({ [raw]: true }, p);
  if (!isRecord(raw) || Object.keys(raw).length !== 1)
    throw new Invalid(`${p} must be an object with exactly one of: ${OPS.join(", ")}`);
  const op = Object.keys(raw)[0]!;
  const v = raw[op];
  const q = `${p}.${op}`;
  const o = isRecord(v) ? v : {};
  switch (op) {
    case "write":
      return { op, path: str(o.path, `${q}.path`), content: str(o.content, `${q}.content`) };
    case "edit":
      return {
        op,
        path: str(o.path, `${q}.path`),
        find: str(o.find, `${q}.find`),
        replace: str(o.replace, `${q}.replace`),
        all: o.all === true,
      };
    case "run":
      return typeof v === "string"
        ? { op, command: v, check: false }
        : { op, command: str(o.command, `${q}.command`), check: o.check === true };
    case "commit":
      return { op, message: typeof v === "string" ? v : str(o.message, `${q}.message`) };
    case "mail":
      return parseMail(o, q);
    case "sling":
      return parseSling(o, q);
    case "say":
    case "garbage":
    case "fail":
      return { op, text: typeof v === "string" ? v : str(o.text, `${q}.text`) };
    case "sleep":
      return { op, ms: nat(typeof v === "number" ? v : o.ms, `${q}.ms`) };
    case "exit":
      return { op, code: nat(typeof v === "number" ? v : o.code, `${q}.code`) };
    case "hang":
      return { op, ignoreSigterm: o.ignoreSigterm === true };
    case "silent_hang":
      return { op };
    default:
      throw new Invalid(`${p}: unknown step '${op}' (known: ${OPS.join(", ")})`);
  }
}

function parseMail(o: Record<string, unknown>, q: string): MailStep {
  const m: MailStep = {
    op: "mail",
    to: str(o.to, `${q}.to`),
    subject: str(o.subject, `${q}.subject`),
    body: optStr(o.body, `${q}.body`) ?? "",
    type: optStr(o.type, `${q}.type`) ?? "status",
  };
  const priority = optStr(o.priority, `${q}.priority`);
  if (priority !== undefined) m.priority = priority;
  const from = optStr(o.from, `${q}.from`);
  if (from !== undefined) m.from = from;
  if (o.payload !== undefined) m.payload = o.payload;
  return m;
}

function parseSling(o: Record<string, unknown>, q: string): SlingStep {
  const s: SlingStep = {
    op: "sling",
    task: str(o.task, `${q}.task`),
    capability: str(o.capability, `${q}.capability`),
    name: str(o.name, `${q}.name`),
    runtime: optStr(o.runtime, `${q}.runtime`) ?? "scripted",
    args: o.args === undefined ? [] : list(o.args, `${q}.args`).map((a, i) => str(a, `${q}.args[${i}]`)),
  };
  const parent = optStr(o.parent, `${q}.parent`);
  if (parent !== undefined) s.parent = parent;
  const spec = optStr(o.spec, `${q}.spec`);
  if (spec !== undefined) s.spec = spec;
  if (o.files !== undefined) s.files = list(o.files, `${q}.files`).map((f, i) => str(f, `${q}.files[${i}]`));
  if (typeof o.script === "string") s.script = { path: o.script };
  else if (o.script !== undefined) {
    parseScript(o.script, `${q}.script`);
    s.script = { inline: o.script };
  }
  return s;
}

function list(v: unknown, p: string): unknown[] {
  if (!Array.isArray(v)) throw new Invalid(`${p} must be a list`);
  return v;
}
function str(v: unknown, p: string): string {
  if (typeof v !== "string") throw new Invalid(`${p} must be a string`);
  return v;
}
function optStr(v: unknown, p: string): string | undefined {
  return v === undefined ? undefined : str(v, p);
}
function nat(v: unknown, p: string): number {
  if (!Number.isInteger(v) || (v as number) < 0) throw new Invalid(`${p} must be a whole number >= 0`);
  return v as number;
}
function optNat(v: unknown, p: string): number | undefined {
  return v === undefined ? undefined : nat(v, p);
}
function optNum(v: unknown, p: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new Invalid(`${p} must be a number >= 0`);
  return v;
}

/** The steps of turn `index` (0-based), applying the script's `after` rule past the end. */
export function stepsForTurn(script: Script, index: number): Step[] {
  if (index < script.turns.length) return script.turns[index]!;
  return script.after === "repeat-last" ? (script.turns.at(-1) ?? []) : [];
}

/** Replaces `$NAME` / `${NAME}` with env values (unset → empty); `$$` is a literal `$`. */
export function interpolate(s: string, env: Record<string, string | undefined>): string {
  return s.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (m, a?: string, b?: string) => (m === "$$" ? "$" : (env[a ?? b ?? ""] ?? "")),
  );
}

/** `interpolate` applied to every string inside a JSON value. */
export function interpolateDeep(v: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof v === "string") return interpolate(v, env);
  if (Array.isArray(v)) return v.map((x) => interpolateDeep(x, env));
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, interpolateDeep(x, env)]));
  return v;
}
