import "../helpers/env.js";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { enqueueFromMail } from "../../src/merge/enqueue-mail.js";
import { listQueue } from "../../src/merge/queue.js";
import { runMerge } from "../../src/merge/run.js";
import type { Deps } from "../../src/store/deps.js";
import { type TempRepo, fsck, tempRepo } from "../helpers/repo.js";
import { FIXTURES, addSession, commitOn, configure, extraWorktrees, inbox, readyMail } from "./setup.js";

describe("merge tiers (real repositories)", () => {
  let repo: TempRepo;
  let deps: Deps;
  beforeEach(async () => {
    repo = tempRepo({ commit: true });
    commitOn(repo, "main", { "list.txt": "alpha\nbeta\n", "code.txt": "a\nb\nc\nd\n" });
    deps = await repo.deps();
    await addSession(deps, "lead-1", { parent: null });
  });
  afterEach(() => repo.cleanup());

  /** An agent commits on its branch, then its lead sends merge_ready (which queues the branch). */
  async function agent(name: string, files: Record<string, string>) {
    await addSession(deps, name, { parent: "lead-1" });
    const tip = commitOn(repo, `ov/${name}/t`, files);
    const queued = await enqueueFromMail(deps, readyMail(name));
    assert.equal(queued.kind, "enqueued");
    return tip;
  }

  it("merges a clean branch at tier 1, fast-forwarding the checked-out target, and mails the parent", async () => {
    const tip = await agent("b1", { "new.txt": "hello\n" });
    const res = await runMerge(deps, { branch: "ov/b1/t" });
    const r = res.results[0]!;
    assert.equal(r.outcome, "merged");
    assert.equal(r.tier, "clean-merge");
    assert.equal(repo.git("rev-parse", "main"), r.commit);
    assert.equal(repo.git("rev-parse", "main^2"), tip);
    assert.equal(readFileSync(join(repo.dir, "new.txt"), "utf8"), "hello\n");
    assert.equal(repo.git("status", "--porcelain"), "");
    assert.match(
      repo.git("log", "-1", "--format=%(trailers)"),
      /Ov-Agent: b1\nOv-Task: t\nOv-Tier: clean-merge/,
    );
    const mail = inbox(repo, "lead-1");
    assert.equal(mail.length, 1);
    assert.equal(mail[0]!.type, "merged");
    assert.deepEqual(
      { branch: mail[0]!.payload.branch, tier: mail[0]!.payload.tier, taskId: mail[0]!.payload.taskId },
      { branch: "ov/b1/t", tier: "clean-merge", taskId: "t" },
    );
    const { entries } = await listQueue(deps);
    assert.equal(entries[0]!.status, "merged");
    assert.equal(entries[0]!.resultCommit, r.commit);
    assert.equal(fsck(repo), "");
  });

  it("keeps both agents' lines when two branches insert at the same line (tier 2 union, never a drop)", async () => {
    await agent("b1", { "list.txt": "alpha\nbeta\nfrom-b1\n" });
    await agent("b2", { "list.txt": "alpha\nbeta\nfrom-b2\n" });
    await runMerge(deps, { branch: "ov/b1/t" });
    const r = (await runMerge(deps, { branch: "ov/b2/t" })).results[0]!;
    assert.equal(r.tier, "auto-resolve");
    assert.deepEqual(r.autoResolved, [{ file: "list.txt", rule: "union", hunks: 1 }]);
    assert.equal(repo.git("show", "main:list.txt"), "alpha\nbeta\nfrom-b1\nfrom-b2");
    assert.match(repo.git("log", "-1", "--format=%B"), /list\.txt: union/);
    assert.equal(fsck(repo), "");
  });

  it("escalates the same-line insertion when the union is rejected by the verify command", async () => {
    await configure(deps, {
      "project.verifyCommand": "! grep -q from-b2 list.txt",
      "merge.aiResolve": "false",
    });
    await agent("b1", { "list.txt": "alpha\nbeta\nfrom-b1\n" });
    await agent("b2", { "list.txt": "alpha\nbeta\nfrom-b2\n" });
    await runMerge(deps, { branch: "ov/b1/t" });
    const before = repo.git("rev-parse", "main");
    const res = await runMerge(deps, { all: true });
    const r = res.results[0]!;
    assert.equal(r.outcome, "conflict");
    assert.deepEqual(r.conflictFiles, ["list.txt"]);
    assert.match(r.error ?? "", /union rejected by verify command/);
    assert.equal(repo.git("rev-parse", "main"), before);
    assert.deepEqual(extraWorktrees(repo), []);
  });

  it("auto-resolves a hunk where each side left the other's region unchanged", async () => {
    await agent("b1", { "code.txt": "a\nb\nC\nd\n" });
    commitOn(repo, "main", { "code.txt": "a\nB\nc\nd\n" });
    const r = (await runMerge(deps, { branch: "ov/b1/t" })).results[0]!;
    assert.equal(r.tier, "auto-resolve");
    assert.deepEqual(r.autoResolved, [{ file: "code.txt", rule: "one-side-unchanged", hunks: 1 }]);
    assert.equal(repo.git("show", "main:code.txt"), "a\nB\nC\nd");
  });

  it("reports a real conflict with no resolver as merge_failed and leaves the target untouched", async () => {
    await agent("b1", { "code.txt": "a\nBRANCH\nc\nd\n" });
    commitOn(repo, "main", { "code.txt": "a\nMAIN\nc\nd\n" });
    const before = repo.git("rev-parse", "main");
    const res = await runMerge(deps, { all: true });
    const r = res.results[0]!;
    assert.equal(r.outcome, "conflict");
    assert.deepEqual(
      r.tiers.map((t) => [t.tier, t.result]),
      [
        ["clean-merge", "failed"],
        ["auto-resolve", "failed"],
        ["ai-resolve", "unavailable"],
        ["reimagine", "skipped"],
      ],
    );
    assert.equal(repo.git("rev-parse", "main"), before);
    assert.equal(repo.git("status", "--porcelain"), "");
    const mail = inbox(repo, "lead-1");
    assert.equal(mail[0]!.type, "merge_failed");
    assert.deepEqual(mail[0]!.payload.conflictFiles, ["code.txt"]);
    assert.equal((await listQueue(deps)).entries[0]!.status, "conflict");
  });

  it("accepts an AI-tier resolution from the configured resolver command", async () => {
    await configure(deps, { "merge.resolverCommand": join(FIXTURES, "take-both.sh") });
    await agent("b1", { "code.txt": "a\nBRANCH\nc\nd\n" });
    commitOn(repo, "main", { "code.txt": "a\nMAIN\nc\nd\n" });
    const r = (await runMerge(deps, { branch: "ov/b1/t" })).results[0]!;
    assert.equal(r.tier, "ai-resolve");
    assert.equal(repo.git("show", "main:code.txt"), "a\nMAIN\nBRANCH\nc\nd");
    assert.deepEqual(extraWorktrees(repo), []);
    assert.equal(fsck(repo), "");
  });

  it("rejects an AI resolution that leaves conflict markers", async () => {
    await configure(deps, { "merge.resolverCommand": join(FIXTURES, "leave-markers.sh") });
    await agent("b1", { "code.txt": "a\nBRANCH\nc\nd\n" });
    commitOn(repo, "main", { "code.txt": "a\nMAIN\nc\nd\n" });
    const before = repo.git("rev-parse", "main");
    const r = (await runMerge(deps, { all: true })).results[0]!;
    assert.equal(r.outcome, "conflict");
    assert.match(
      r.tiers.find((t) => t.tier === "ai-resolve")?.reason ?? "",
      /conflict markers remain in code\.txt/,
    );
    assert.equal(repo.git("rev-parse", "main"), before);
  });

  it("rejects an AI resolution whose verify command fails", async () => {
    await configure(deps, {
      "merge.resolverCommand": join(FIXTURES, "take-both.sh"),
      "project.verifyCommand": "test ! -e code.txt",
    });
    await agent("b1", { "code.txt": "a\nBRANCH\nc\nd\n" });
    commitOn(repo, "main", { "code.txt": "a\nMAIN\nc\nd\n" });
    const r = (await runMerge(deps, { all: true })).results[0]!;
    assert.equal(r.outcome, "conflict");
    assert.match(r.tiers.find((t) => t.tier === "ai-resolve")?.reason ?? "", /verify command exited 1/);
  });

  it("skips a tier that failed twice on these files and never succeeded", async () => {
    await configure(deps, { "merge.resolverCommand": join(FIXTURES, "leave-markers.sh") });
    await agent("b1", { "code.txt": "a\nBRANCH\nc\nd\n" });
    commitOn(repo, "main", { "code.txt": "a\nMAIN\nc\nd\n" });
    const tierOf = (r: { tiers: { tier: string; result: string }[] }) =>
      r.tiers.find((t) => t.tier === "ai-resolve")?.result;
    assert.equal(tierOf((await runMerge(deps, { branch: "ov/b1/t" })).results[0]!), "failed");
    assert.equal(tierOf((await runMerge(deps, { branch: "ov/b1/t" })).results[0]!), "failed");
    assert.equal(tierOf((await runMerge(deps, { branch: "ov/b1/t" })).results[0]!), "skipped");
    const history = JSON.parse(repo.git("show", "refs/ov/merge/queue:history/code.txt.json"));
    assert.deepEqual(history.tiers["ai-resolve"], { ok: 0, failed: 2 });
  });

  it("re-applies the branch on the target at tier 4 when reimagine is enabled", async () => {
    await configure(deps, {
      "merge.resolverCommand": join(FIXTURES, "reimagine.sh"),
      "merge.aiResolve": "false",
      "merge.reimagine": "true",
    });
    await agent("b1", { "code.txt": "a\nBRANCH\nc\nd\n" });
    commitOn(repo, "main", { "code.txt": "a\nMAIN\nc\nd\n" });
    const r = (await runMerge(deps, { branch: "ov/b1/t" })).results[0]!;
    assert.equal(r.tier, "reimagine");
    assert.equal(repo.git("show", "main:code.txt"), "a\nMAIN\nc\nd\nBRANCH");
  });

  it("recomputes on the new tip when the target moves between compute and CAS", async () => {
    repo.git("branch", "release", "main");
    const tip = await agent("b1", { "new.txt": "x\n" });
    let moved = "";
    const res = await runMerge(deps, {
      branch: "ov/b1/t",
      into: "release",
      beforeMove: async () => {
        if (moved) return;
        const tree = repo.git("rev-parse", "release^{tree}");
        moved = repo.git("commit-tree", tree, "-p", "release", "-m", "someone else");
        repo.git("update-ref", "refs/heads/release", moved);
      },
    });
    const r = res.results[0]!;
    assert.equal(r.outcome, "merged");
    assert.equal(repo.git("rev-parse", "release^1"), moved);
    assert.equal(repo.git("rev-parse", "release^2"), tip);
    assert.equal((await listQueue(deps)).entries[0]!.attempts.length, 1);
  });

  it("retries when the checked-out target gets a commit mid-merge", async () => {
    await agent("b1", { "new.txt": "x\n" });
    let once = false;
    const r = (
      await runMerge(deps, {
        branch: "ov/b1/t",
        beforeMove: async () => {
          if (once) return;
          once = true;
          commitOn(repo, "main", { "other.txt": "y\n" });
        },
      })
    ).results[0]!;
    assert.equal(r.outcome, "merged");
    assert.equal(repo.git("show", "main:other.txt"), "y");
    assert.equal(repo.git("show", "main:new.txt"), "x");
    assert.equal(repo.git("status", "--porcelain"), "");
  });

  it("merges into the agent session's base branch when no --into is given", async () => {
    repo.git("branch", "feature/x", "main");
    await addSession(deps, "b9", { parent: "lead-1", baseBranch: "feature/x" });
    commitOn(repo, "ov/b9/t", { "f.txt": "f\n" });
    const r = (await runMerge(deps, { branch: "ov/b9/t" })).results[0]!;
    assert.equal(r.target, "feature/x");
    assert.equal(repo.git("show", "feature/x:f.txt"), "f");
    assert.equal(repo.git("ls-tree", "--name-only", "main"), "README.md\ncode.txt\nlist.txt");
  });

  it("refuses a dirty checked-out target, touching nothing", async () => {
    await agent("b1", { "new.txt": "x\n" });
    writeFileSync(join(repo.dir, "code.txt"), "edited by the user\n");
    const before = repo.git("rev-parse", "main");
    await assert.rejects(
      runMerge(deps, { branch: "ov/b1/t" }),
      /checked out in .* uncommitted changes \(code\.txt\)/,
    );
    assert.equal(repo.git("rev-parse", "main"), before);
    assert.equal(readFileSync(join(repo.dir, "code.txt"), "utf8"), "edited by the user\n");
    assert.equal((await listQueue(deps)).entries[0]!.status, "pending");
  });

  it("names bad input clearly: unknown branch, already merged, missing target", async () => {
    await agent("b1", { "new.txt": "x\n" });
    await assert.rejects(runMerge(deps, { branch: "ov/b1/tt" }), /branch 'ov\/b1\/tt' not found.*|NOT_FOUND/);
    await assert.rejects(
      runMerge(deps, { branch: "ov/b1/t", into: "nope" }),
      /target branch 'nope' does not exist/,
    );
    await runMerge(deps, { branch: "ov/b1/t" });
    await assert.rejects(runMerge(deps, { branch: "ov/b1/t" }), /already merged into 'main'/);
    await assert.rejects(runMerge(deps, { branch: "../../HEAD" }), /invalid branch name/);
  });
});
