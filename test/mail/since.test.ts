import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sendMail } from "../../src/mail/send.js";
import { mailTips, sentSince } from "../../src/mail/since.js";
import type { Deps } from "../../src/store/deps.js";
import { type TempRepo, tempRepo } from "../helpers/repo.js";

describe("sentSince", () => {
  let repo: TempRepo;
  let deps: Deps;
  before(async () => {
    repo = tempRepo({ commit: true });
    deps = await repo.deps();
  });
  after(() => repo.cleanup());

  const done = { taskId: "t", branch: "b", exitCode: 0, filesModified: [] };

  it("finds the terminal mail an agent sent after a baseline, by reachability", async () => {
    await sendMail(deps, {
      from: "builder-1",
      to: "lead-1",
      subject: "old",
      body: "",
      type: "worker_done",
      payload: done,
    });
    const baseline = await mailTips(deps);
    assert.deepEqual(await sentSince(deps, baseline, { from: "builder-1" }), []);
    await sendMail(deps, { from: "builder-1", to: "lead-1", subject: "progress", body: "" });
    await sendMail(deps, {
      from: "builder-2",
      to: "lead-1",
      subject: "other",
      body: "",
      type: "worker_done",
      payload: done,
    });
    const fin = await sendMail(deps, {
      from: "builder-1",
      to: "lead-1",
      subject: "done",
      body: "",
      type: "worker_done",
      payload: done,
    });
    const note = await sendMail(deps, { from: "builder-1", to: "fresh-inbox", subject: "hi", body: "" });
    const terminal = await sentSince(deps, baseline, { from: "builder-1", types: ["worker_done", "result"] });
    assert.deepEqual(
      terminal.map((m) => [m.id, m.to, m.type]),
      [[fin.ids[0], "lead-1", "worker_done"]],
    );
    const all = await sentSince(deps, baseline, { from: "builder-1" });
    assert.deepEqual(
      new Set(all.map((m) => m.id)),
      new Set([...fin.ids, ...note.ids, all.find((m) => m.type === "status" && m.to === "lead-1")!.id]),
    );
    assert.equal(all.length, 3);
  });
});
