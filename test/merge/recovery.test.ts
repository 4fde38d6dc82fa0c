import "../helpers/env.js";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { enqueueFromMail } from "../../src/merge/enqueue-mail.js";
import { listQueue, updateEntry } from "../../src/merge/queue.js";
import { runMerge } from "../../src/merge/run.js";
import { tempRepo } from "../helpers/repo.js";
import { commitOn, readyMail } from "./setup.js";

describe("merge recovery and refusals", () => {
  it("takes up an entry left `merging` by a process that died", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      commitOn(repo, "ov/b1/t", { "x.txt": "x\n" });
      const q = await enqueueFromMail(deps, readyMail("b1"));
      assert.equal(q.kind, "enqueued");
      if (q.kind !== "enqueued") return;
      const dead = spawnSync(process.execPath, ["-e", "0"]).pid;
      const claim = {
        target: "main",
        holder: "crashed",
        pid: dead,
        host: hostname(),
        at: "2026-01-01T00:00:00.000Z",
      };
      await updateEntry(deps, q.entry.id, (cur) => ({ next: { ...cur, status: "merging", claim } }));
      const res = await runMerge(deps, { all: true });
      assert.deepEqual(
        res.results.map((r) => [r.branch, r.outcome]),
        [["ov/b1/t", "merged"]],
      );
      const entry = (await listQueue(deps)).entries[0]!;
      assert.equal(entry.status, "merged");
      assert.equal(entry.claim, null);
    } finally {
      repo.cleanup();
    }
  });

  it("refuses a target checkout with a merge in progress and keeps the entry pending", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      commitOn(repo, "ov/b1/t", { "x.txt": "x\n" });
      await enqueueFromMail(deps, readyMail("b1"));
      writeFileSync(join(repo.dir, ".git", "MERGE_HEAD"), `${repo.git("rev-parse", "ov/b1/t")}\n`);
      const res = await runMerge(deps, { all: true });
      assert.equal(res.results[0]!.outcome, "error");
      assert.match(res.results[0]!.error ?? "", /has a merge in progress/);
      assert.equal((await listQueue(deps)).entries[0]!.status, "pending");
      assert.equal(repo.git("rev-list", "--count", "main"), "1");
    } finally {
      repo.cleanup();
    }
  });
});
