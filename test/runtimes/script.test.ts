import "../helpers/env.js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  interpolate,
  interpolateDeep,
  parseScript,
  stepsForTurn,
} from "../../src/runtimes/scripted/script.js";
import { Invalid } from "../../src/store/validate.js";

describe("scripted runtime: script format", () => {
  it("accepts a list of steps, {steps}, and {turns}, with shorthand step forms", () => {
    const list = parseScript([{ say: "hi" }, "hang"]);
    assert.deepEqual(list.turns, [
      [
        { op: "say", text: "hi" },
        { op: "hang", ignoreSigterm: false },
      ],
    ]);
    const full = parseScript({
      turns: [
        [
          { run: "make" },
          { commit: "wip" },
          { sleep: 5 },
          { exit: 3 },
          { garbage: "x" },
          { fail: "boom" },
          "silent_hang",
        ],
        [
          { write: { path: "a", content: "b" } },
          { edit: { path: "a", find: "b", replace: "c", all: true } },
          { run: { command: "false", check: true } },
          { mail: { to: "lead-1", type: "worker_done", subject: "done", payload: { n: 1 } } },
          {
            sling: {
              task: "t2",
              capability: "builder",
              name: "b2",
              script: [{ say: "child" }],
              args: ["--force"],
            },
          },
          { hang: { ignoreSigterm: true } },
        ],
      ],
      after: "repeat-last",
      model: "m",
      usage: { inputTokens: 5, outputTokens: 6 },
      costUsd: 0.5,
    });
    assert.equal(full.turns.length, 2);
    assert.deepEqual(
      full.turns[0]!.map((s) => s.op),
      ["run", "commit", "sleep", "exit", "garbage", "fail", "silent_hang"],
    );
    assert.deepEqual(full.turns[1]![3], {
      op: "mail",
      to: "lead-1",
      type: "worker_done",
      subject: "done",
      body: "",
      payload: { n: 1 },
    });
    assert.deepEqual(full.turns[1]![4], {
      op: "sling",
      task: "t2",
      capability: "builder",
      name: "b2",
      runtime: "scripted",
      args: ["--force"],
      script: { inline: [{ say: "child" }] },
    });
    assert.deepEqual(
      [full.after, full.model, full.usage, full.costUsd],
      ["repeat-last", "m", { inputTokens: 5, outputTokens: 6 }, 0.5],
    );
    const dflt = parseScript({ steps: [] });
    assert.deepEqual(
      [dflt.after, dflt.model, dflt.usage, dflt.costUsd],
      ["idle", "scripted", { inputTokens: 100, outputTokens: 20 }, 0.001],
    );
  });

  const bad: [unknown, RegExp][] = [
    [42, /script must be an object/],
    [{ steps: [{ dance: true }] }, /script\.steps\[0\]: unknown step 'dance'/],
    [{ steps: [{ say: "a", run: "b" }] }, /exactly one of/],
    [{ steps: [{ write: { path: "a" } }] }, /script\.steps\[0\]\.write\.content must be a string/],
    [{ turns: [[{ sleep: -1 }]] }, /script\.turns\[0\]\[0\]\.sleep\.ms must be a whole number/],
    [{ steps: [], turns: [] }, /both "steps" and "turns"/],
    [{ steps: [], after: "loop" }, /after must be "idle" or "repeat-last"/],
    [
      { steps: [{ sling: { task: "t", capability: "b", name: "n", script: { steps: [{ nope: 1 }] } } }] },
      /sling\.script\.steps\[0\]: unknown step 'nope'/,
    ],
  ];
  for (const [raw, re] of bad) {
    it(`rejects ${JSON.stringify(raw).slice(0, 60)} naming the field`, () => {
      assert.throws(
        () => parseScript(raw),
        (e: unknown) => e instanceof Invalid && re.test(e.message),
      );
    });
  }

  it("picks the turn's steps, idling or repeating past the end", () => {
    const idle = parseScript({ turns: [[{ say: "1" }], [{ say: "2" }]] });
    assert.deepEqual(stepsForTurn(idle, 1), [{ op: "say", text: "2" }]);
    assert.deepEqual(stepsForTurn(idle, 2), []);
    const repeat = parseScript({ turns: [[{ say: "1" }], [{ say: "2" }]], after: "repeat-last" });
    assert.deepEqual(stepsForTurn(repeat, 5), [{ op: "say", text: "2" }]);
  });

  it("interpolates $NAME and ${NAME} from the env; unset is empty; $$ is a dollar", () => {
    const env = { GIT_OV_AGENT: "builder-1", GIT_OV_PARENT: "lead-1" };
    assert.equal(interpolate("from $GIT_OV_AGENT to ${GIT_OV_PARENT}!", env), "from builder-1 to lead-1!");
    assert.equal(interpolate("[$NOPE] costs $$5 ${GIT_OV_AGENT}x", env), "[] costs $5 builder-1x");
    assert.deepEqual(interpolateDeep({ a: ["$GIT_OV_AGENT", 1, { b: "${GIT_OV_PARENT}" }] }, env), {
      a: ["builder-1", 1, { b: "lead-1" }],
    });
  });
});
