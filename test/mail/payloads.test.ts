import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isOvError } from "../../src/core/errors.js";
import { listUnread } from "../../src/mail/inbox.js";
import { PAYLOADS } from "../../src/mail/payloads.js";
import { sendMail } from "../../src/mail/send.js";
import { MAIL_TYPES, type MailType, PROTOCOL_TYPES, SEMANTIC_TYPES } from "../../src/mail/types.js";
import type { Deps } from "../../src/store/deps.js";
import { type TempRepo, tempRepo } from "../helpers/repo.js";
import { mailRefs } from "./helpers.js";

/** A valid payload for every protocol type (reference §2.5). */
const VALID: Record<(typeof PROTOCOL_TYPES)[number], Record<string, unknown> | null> = {
  worker_done: { taskId: "t-1", branch: "ov/b/t-1", exitCode: 0, filesModified: ["src/a.ts"] },
  worker_died: {
    agentName: "builder-1",
    capability: "builder",
    taskId: "t-1",
    reason: "stalled",
    lastActivity: "2026-01-01T00:00:00.000Z",
    terminatedBy: "runner",
  },
  merge_ready: { branch: "ov/b/t-1", taskId: "t-1", agentName: "builder-1", filesModified: [] },
  merged: { branch: "ov/b/t-1", taskId: "t-1", tier: "auto-resolve" },
  merge_failed: { branch: "ov/b/t-1", taskId: "t-1", conflictFiles: ["a.ts"], errorMessage: "conflict" },
  escalation: { severity: "critical", taskId: null, context: "disk full" },
  health_check: { agentName: "builder-1", checkType: "liveness" },
  dispatch: null,
  assign: { taskId: "t-1", specPath: "refs/ov/specs:t-1.md", workerName: "builder-1", branch: "ov/b/t-1" },
  decision_gate: { options: ["a", "b"], context: "pick one", deadline: "2026-02-01T00:00:00Z" },
};

/** One wrong-typed value per protocol type's field (what a confused agent might send). */
const WRONG: Record<string, unknown> = {
  taskId: 42,
  branch: ["x"],
  exitCode: "0",
  filesModified: "a.ts",
  agentName: null,
  capability: 1,
  reason: {},
  lastActivity: 5,
  terminatedBy: "tier9",
  tier: "magic",
  conflictFiles: [1],
  errorMessage: false,
  severity: "fatal",
  context: 3,
  checkType: "vibes",
  specPath: 7,
  workerName: 1,
  options: "a,b",
  deadline: 9,
  fileScope: "src",
  skipScouts: "yes",
  skipReview: 1,
  maxAgents: 2.5,
  correlationId: 5,
};

describe("mail payloads", () => {
  let repo: TempRepo;
  let deps: Deps;
  before(async () => {
    repo = tempRepo({ commit: true });
    deps = await repo.deps();
  });
  after(() => repo.cleanup());

  const send = (type: MailType, payload: Record<string, unknown> | null) =>
    sendMail(deps, { from: "operator", to: "lead-1", subject: `s ${type}`, body: "b", type, payload });

  async function rejected(type: MailType, payload: unknown, pattern: RegExp): Promise<void> {
    await assert.rejects(send(type, payload as Record<string, unknown>), (e: unknown) => {
      assert.ok(isOvError(e));
      assert.equal(e.code, "MAIL");
      assert.match(e.message, pattern);
      return true;
    });
  }

  it("accepts and stores a valid payload for every protocol type", async () => {
    for (const type of PROTOCOL_TYPES) await send(type, VALID[type]);
    const { messages } = await listUnread(deps, "lead-1");
    assert.deepEqual(
      messages.map((m) => m.type),
      [...PROTOCOL_TYPES],
    );
    for (const m of messages) assert.deepEqual(m.payload, VALID[m.type as (typeof PROTOCOL_TYPES)[number]]);
  });

  it("accepts any object or no payload for the semantic types and dispatch", async () => {
    for (const type of [...SEMANTIC_TYPES, "dispatch"] as const) {
      await send(type, null);
      await send(type, { anything: [1, { nested: true }] });
    }
    await send("dispatch", {
      taskId: "t-2",
      specPath: null,
      capability: "builder",
      fileScope: ["src"],
      maxAgents: 2,
    });
    await send("dispatch", { correlationId: "c-1" });
  });

  it("rejects a missing payload for every protocol type that needs one", async () => {
    const before = mailRefs(repo);
    for (const type of PROTOCOL_TYPES) {
      if (PAYLOADS[type].optional) continue;
      await rejected(type, null, new RegExp(`type ${type} requires a payload`));
    }
    assert.equal(mailRefs(repo), before, "nothing written");
  });

  it("rejects each missing required field and each wrongly typed field, naming it", async () => {
    const before = mailRefs(repo);
    for (const type of PROTOCOL_TYPES) {
      const valid = VALID[type] ?? { taskId: "t", specPath: "p", capability: "builder", fileScope: [] };
      for (const [field, validator] of Object.entries(PAYLOADS[type].fields)) {
        const optional = (() => {
          try {
            validator(undefined, "x");
            return true;
          } catch {
            return false;
          }
        })();
        if (!optional) {
          const { [field]: _dropped, ...rest } = valid;
          await rejected(type, rest, new RegExp(`payload\\.${field} is missing`));
        }
        assert.ok(field in WRONG, `a wrong value for ${field}`);
        await rejected(type, { ...valid, [field]: WRONG[field] }, new RegExp(`payload\\.${field}`));
      }
    }
    assert.equal(mailRefs(repo), before, "nothing written");
  });

  it("rejects a payload that is not an object, for any type", async () => {
    for (const type of ["status", "worker_done"] as const) {
      await rejected(type, [1, 2], /payload must be a JSON object/);
      await rejected(type, "text", /payload must be a JSON object/);
    }
  });

  it("keeps extra payload fields (newer senders stay readable)", async () => {
    await send("merged", { ...VALID.merged, extra: "kept" });
    const { messages } = await listUnread(deps, "lead-1");
    assert.equal(messages.at(-1)?.payload?.extra, "kept");
  });

  it("knows exactly the 14 reference types", () => {
    assert.equal(MAIL_TYPES.length, 14);
  });
});
