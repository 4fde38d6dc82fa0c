import "../helpers/env.js";
import assert from "node:assert/strict";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { decideGuard, needsLeadFacts } from "../../src/agents/guard/decide.js";
import { nodePorts } from "../../src/agents/guard/paths.js";
import { DEMO_TASKS, LEAD_TASK, PROJECT_FILES } from "../../src/demo/project.js";
import {
  LEAD_NAME,
  builderScript,
  leadFinishCommand,
  leadHandOverCommand,
  leadScript,
} from "../../src/demo/scripts.js";
import { parseScript } from "../../src/runtimes/scripted/script.js";

const wt = realpathSync(mkdtempSync(join(tmpdir(), "ov-demo-wt-")));
after(() => rmSync(wt, { recursive: true, force: true }));
const lead = {
  name: LEAD_NAME,
  capability: "lead" as const,
  worktree: wt,
  task: LEAD_TASK,
  branch: `ov/${LEAD_NAME}/${LEAD_TASK}`,
};
const ports = nodePorts({ HOME: join(wt, "home"), GIT_OV_WORKTREE: wt });
const bash = (command: string) => ({ tool: "Bash", input: { command }, cwd: wt });

describe("demo scripts", () => {
  it("are valid scripted-runtime scripts", () => {
    const parsed = parseScript(leadScript());
    assert.equal(parsed.turns.length, 2);
    for (const t of DEMO_TASKS) parseScript(builderScript(t));
  });

  it("edit anchors the project really has", () => {
    for (const t of DEMO_TASKS) {
      for (const step of builderScript(t)) {
        const edit = (step as { edit?: { path: string; find: string } }).edit;
        if (edit) assert.ok(PROJECT_FILES[edit.path]?.includes(edit.find), `${t.task}: ${edit.path}`);
      }
    }
  });

  it("give the lead commands its guard lets through, hand-overs before the close gate", () => {
    const handOver = bash(leadHandOverCommand());
    const finish = bash(leadFinishCommand());
    // Hand-overs are never a finish: allowed however many reports are outstanding.
    assert.equal(needsLeadFacts(handOver, lead), false);
    assert.deepEqual(decideGuard(handOver, lead, ports), { allow: true });
    // The finish is gated: blocked until every reported branch was handed over, then allowed.
    assert.equal(needsLeadFacts(finish, lead), true);
    const early = decideGuard(finish, lead, ports, { mergeReadySent: 0, workerDoneReceived: 1 });
    assert.equal(early.allow ? "allow" : early.rule, "lead-close-gate");
    assert.deepEqual(decideGuard(finish, lead, ports, { mergeReadySent: 2, workerDoneReceived: 2 }), {
      allow: true,
    });
  });
});
