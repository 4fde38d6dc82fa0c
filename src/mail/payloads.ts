import { OvError } from "../core/errors.js";
import {
  type Validator,
  arrayOf,
  bool,
  check,
  int,
  nullable,
  oneOf,
  optional,
  record,
  str,
} from "../store/validate.js";
import { type MailType, PROTOCOL_TYPES, type ProtocolType } from "./types.js";

interface PayloadSpec {
  /** Human-readable shape, shown in errors and docs. */
  shape: string;
  /** Whether a message of this type may have no payload at all. */
  optional: boolean;
  fields: Record<string, Validator<unknown>>;
}

const strList = arrayOf(str);

/**
 * Payload schemas of the protocol types (reference §2.5). Listed fields are required (unless the
 * validator is `optional`); extra fields are kept, so newer senders stay readable.
 */
export const PAYLOADS: Record<ProtocolType, PayloadSpec> = {
  worker_done: {
    shape: "{taskId: string, branch: string, exitCode: integer, filesModified: string[]}",
    optional: false,
    fields: { taskId: str, branch: str, exitCode: int, filesModified: strList },
  },
  worker_died: {
    shape: "{agentName, capability, taskId, reason, lastActivity: string, terminatedBy: tier0|tier1|runner}",
    optional: false,
    fields: {
      agentName: str,
      capability: str,
      taskId: str,
      reason: str,
      lastActivity: str,
      terminatedBy: oneOf(["tier0", "tier1", "runner"] as const),
    },
  },
  merge_ready: {
    shape: "{branch: string, taskId: string, agentName: string, filesModified: string[]}",
    optional: false,
    fields: { branch: str, taskId: str, agentName: str, filesModified: strList },
  },
  merged: {
    shape: "{branch: string, taskId: string, tier: clean-merge|auto-resolve|ai-resolve|reimagine|manual}",
    optional: false,
    fields: {
      branch: str,
      taskId: str,
      tier: oneOf(["clean-merge", "auto-resolve", "ai-resolve", "reimagine", "manual"] as const),
    },
  },
  merge_failed: {
    shape: "{branch: string, taskId: string, conflictFiles: string[], errorMessage: string}",
    optional: false,
    fields: { branch: str, taskId: str, conflictFiles: strList, errorMessage: str },
  },
  escalation: {
    shape: "{severity: warning|error|critical, taskId: string|null, context: string}",
    optional: false,
    fields: {
      severity: oneOf(["warning", "error", "critical"] as const),
      taskId: present(nullable(str)),
      context: str,
    },
  },
  health_check: {
    shape: "{agentName: string, checkType: liveness|readiness}",
    optional: false,
    fields: { agentName: str, checkType: oneOf(["liveness", "readiness"] as const) },
  },
  dispatch: {
    shape:
      "optional; {taskId?, specPath?, capability?: string, fileScope?: string[], skipScouts?, skipReview?: boolean, maxAgents?: integer, correlationId?: string}",
    optional: true,
    fields: {
      taskId: optional(str),
      specPath: optional(nullable(str)),
      capability: optional(str),
      fileScope: optional(strList),
      skipScouts: optional(bool),
      skipReview: optional(bool),
      maxAgents: optional(int),
      correlationId: optional(str),
    },
  },
  assign: {
    shape: "{taskId: string, specPath: string|null, workerName: string, branch: string}",
    optional: false,
    fields: { taskId: str, specPath: present(nullable(str)), workerName: str, branch: str },
  },
  decision_gate: {
    shape: "{options: string[], context: string, deadline?: string}",
    optional: false,
    fields: { options: strList, context: str, deadline: optional(str) },
  },
};

/** A field that must be present, even if its value may be null. */
function present<T>(inner: Validator<T>): Validator<T> {
  return (v, p) => {
    if (v === undefined) throw new Error(`${p} is required`);
    return inner(v, p);
  };
}

export function isProtocolType(type: MailType): type is ProtocolType {
  return (PROTOCOL_TYPES as readonly string[]).includes(type);
}

/** Returns what is wrong with `payload` for `type`, or undefined when it fits. */
export function payloadProblem(type: MailType, payload: unknown): string | undefined {
  if (payload !== null && payload !== undefined) {
    const obj = check(record, payload, "payload");
    if (!obj.ok) return "payload must be a JSON object";
  }
  if (!isProtocolType(type)) return undefined;
  const spec = PAYLOADS[type];
  if (payload === null || payload === undefined) {
    return spec.optional ? undefined : `type ${type} requires a payload ${spec.shape}`;
  }
  for (const [key, validator] of Object.entries(spec.fields)) {
    const value = (payload as Record<string, unknown>)[key];
    try {
      validator(value, `payload.${key}`);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const missing = value === undefined ? `payload.${key} is missing` : msg;
      return `${missing} (type ${type} takes ${spec.shape})`;
    }
  }
  return undefined;
}

/** Throws MAIL naming the problem when `payload` does not fit `type`. */
export function checkPayload(type: MailType, payload: unknown): void {
  const problem = payloadProblem(type, payload);
  if (problem === undefined) return;
  throw new OvError("MAIL", `invalid payload: ${problem}`, {
    data: { type, payload: payload ?? null },
    hint: `pass --payload '<json>' matching ${type}; see docs/data-model.md (mail payloads)`,
  });
}
