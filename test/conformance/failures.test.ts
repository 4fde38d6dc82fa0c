// Scenario 4: how turns that fail settle (spec §4.4–4.6 with our idle rule). Each agent is slung
// with a normal first turn; the failing turn is the one its next mail starts: an API error result
// and a turn cut off by --max-turns leave the agent idle (working) with its mail unread for a retry;
// a model that stops answering is killed by git ov's stall watchdog → zombie + worker_died to the parent.
import "../helpers/env.js";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ovDir } from "../../src/git/repo.js";
import { sendMail } from "../../src/mail/send.js";
import { turnPidPath } from "../../src/turn/lock.js";
import { inbox, runTurn, slingClaude } from "../support/claude-agents.js";
import {
  type Conformance,
  TURN_TIMEOUT_MS,
  conformanceSkipReason,
  eventually,
  startConformance,
} from "../support/conformance.js";
import { processesIn } from "../support/processes.js";

const skip = conformanceSkipReason() ?? false;

describe("conformance: failing turns settle per the final-state rules", {
  skip,
}, () => {
  let h: Conformance;
  before(async () => {
    h = await startConformance({
      conversations: [
        { match: "API-500", steps: [{ error: 500, message: "stub overloaded backend" }] },
        { match: "STALL-NOW", steps: [{ stall: true }] },
        {
          match: "LOOP-FOREVER",
          steps: [{ tool: "Bash", input: { command: "echo again", description: "Loop" } }],
          after: "repeat-last",
        },
        // Every agent's first turn (sling's prompt): a plain answer.
        { steps: [{ end: true, text: "Ready." }] },
      ],
    });
  });
  after(() => h?.cleanup());

  it("an API error (HTTP 500, no retries): error result → idle (working), mail kept unread", {
    timeout: TURN_TIMEOUT_MS,
  }, async () => {
    await slingFine(h, "errant", "lead-1");
    await sendMail(h.deps, { from: "lead-1", to: "errant", subject: "API-500", body: "try" });
    const [t] = await runTurn(h, "errant");
    h.keepCapture("cf-api-error", "errant");
    assert.equal(t?.finalState, "working", h.diagnostics("errant"));
    assert.equal(t?.cleanResult, false);
    assert.equal(t?.exitCode, 1);
    const s = await h.session("errant");
    assert.equal(s.state, "working");
    assert.ok(s.idleSince);
    assert.ok(s.runtimeSessionId);
    assert.equal(h.stub.messages().filter((r) => r.handledAs === "error:500").length, 1, "retries are off");
    const events = h.events("errant");
    assert.ok(events.some((e) => e.kind === "text" && e.apiError === true && /500/.test(String(e.text))));
    const result = events.findLast((e) => e.kind === "result");
    assert.equal(result?.isError, true);
    assert.equal(result?.terminalReason, "api_error");
    assert.deepEqual(
      inbox(h, "errant").map((m) => m.folder),
      ["unread"],
      "undelivered mail stays unread",
    );
    assert.deepEqual(inbox(h, "lead-1"), [], "no worker_died for an idle agent");
  });

  it("--max-turns (runtime.claude.maxTurns) stops a model that never ends → idle (working)", {
    timeout: TURN_TIMEOUT_MS,
  }, async () => {
    await h.ovOk(["config", "set", "runtime.claude.maxTurns", "2"]);
    try {
      await slingFine(h, "looper", "lead-1");
      await sendMail(h.deps, { from: "lead-1", to: "looper", subject: "LOOP-FOREVER", body: "loop" });
      const [t] = await runTurn(h, "looper");
      h.keepCapture("cf-max-turns", "looper");
      assert.equal(t?.finalState, "working", h.diagnostics("looper"));
      assert.equal(t?.cleanResult, false);
      const loops = h.stub.messages().filter((r) => r.handledAs.startsWith("step:2:"));
      assert.equal(loops.length, 2, "two model calls, then the cap");
      const result = h.events("looper").findLast((e) => e.kind === "result");
      assert.equal(result?.subtype, "error_max_turns");
      assert.equal(result?.terminalReason, "max_turns");
      assert.equal((await h.session("looper")).state, "working");
      assert.deepEqual(
        inbox(h, "looper").map((m) => m.folder),
        ["unread"],
      );
    } finally {
      await h.ovOk(["config", "set", "runtime.claude.maxTurns", "0"]);
    }
  });

  it("a model that stops answering: the stall watchdog kills the CLI → zombie, worker_died to the parent", {
    timeout: TURN_TIMEOUT_MS,
  }, async () => {
    // Long enough for the CLI to start under load (it is killed before its first event otherwise,
    // which is a stall too, but not the one this test is about).
    await h.ovOk(["config", "set", "turn.stallMs", "10000"]);
    try {
      const agent = await slingFine(h, "staller", "lead-2");
      await sendMail(h.deps, { from: "lead-2", to: "staller", subject: "STALL-NOW", body: "think hard" });
      const [t] = await runTurn(h, "staller");
      h.keepCapture("cf-stall-killed", "staller");
      assert.equal(t?.finalState, "zombie", h.diagnostics("staller"));
      assert.equal(t?.stalled, true);
      const s = await h.session("staller");
      assert.equal(s.state, "zombie");
      assert.match(s.reason ?? "", /stall/);
      const stalled = h.stub.messages().filter((r) => r.handledAs.endsWith(":stall"));
      assert.equal(stalled.length, 1, "the CLI was waiting on the model when it was killed");
      await eventually(() => stalled[0]?.clientClosed === true, "the CLI's request was cut off", 10_000);
      await eventually(
        () => processesIn(agent.worktree).length === 0,
        "no process is left in the worktree",
        10_000,
      );
      assert.equal(existsSync(turnPidPath(ovDir(h.deps.repo), "staller")), false, "pid file removed");
      const died = inbox(h, "lead-2").map((m) => m.message);
      assert.equal(died.length, 1);
      assert.equal(died[0]?.type, "worker_died");
      assert.equal(died[0]?.from, "staller");
      assert.match(JSON.stringify(died[0]?.payload), /stall/);
      assert.deepEqual(
        inbox(h, "staller").map((m) => m.folder),
        ["unread"],
        "the stalled turn's mail is not lost",
      );
      assert.ok(existsSync(join(ovDir(h.deps.repo), "logs", "staller")));
    } finally {
      await h.ovOk(["config", "set", "turn.stallMs", "90000"]);
    }
  });
});

/** Slings a builder whose first turn ends normally (idle), under a parent that has no session. */
async function slingFine(h: Conformance, name: string, parent: string) {
  const { session, firstTurn } = await slingClaude(h, {
    name,
    task: `${name}-task`,
    parent,
    forceHierarchy: true,
  });
  assert.equal(firstTurn.state, "working", `${firstTurn.note}\n${h.diagnostics(name)}`);
  return session;
}
