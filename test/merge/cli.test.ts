import "../helpers/env.js";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { enqueueFromMail } from "../../src/merge/enqueue-mail.js";
import { listQueue } from "../../src/merge/queue.js";
import { ROOT, type TempRepo, fsck, runOv, tempRepo } from "../helpers/repo.js";
import { FIXTURES, addSession, commitOn, configure, inbox, readyMail } from "./setup.js";

/** A repo initialised by the real CLI (hooks installed), with lead-1 and two agents' branches queued. */
async function swarm(): Promise<TempRepo> {
  const repo = tempRepo({ commit: true });
  commitOn(repo, "main", { "list.txt": "alpha\n" });
  const init = await runOv(["init"], { cwd: repo.dir });
  assert.equal(init.code, 0, init.stderr);
  const deps = await repo.deps();
  await addSession(deps, "lead-1", {});
  for (const a of ["b1", "b2"]) {
    await addSession(deps, a, { parent: "lead-1" });
    commitOn(repo, `ov/${a}/t`, { [`${a}.txt`]: `${a}\n` });
    await enqueueFromMail(deps, readyMail(a));
  }
  return repo;
}

const snapshot = (repo: TempRepo) => [
  repo.git("for-each-ref"),
  repo.git("count-objects", "-v"),
  repo.git("status", "--porcelain"),
];

describe("git ov merge (CLI)", () => {
  it("merges every queued branch with a progress line each; --dry-run before it writes nothing", async () => {
    const repo = await swarm();
    try {
      const before = snapshot(repo);
      const dry = await runOv(["merge", "--all", "--dry-run", "--json"], { cwd: repo.dir });
      assert.equal(dry.code, 0, dry.stderr);
      const predicted = JSON.parse(dry.stdout);
      assert.deepEqual(
        predicted.predictions.map((p: { branch: string; outcome: string }) => [p.branch, p.outcome]),
        [
          ["ov/b1/t", "clean"],
          ["ov/b2/t", "clean"],
        ],
      );
      assert.deepEqual(snapshot(repo), before);

      const res = await runOv(["merge", "--all"], { cwd: repo.dir });
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stderr, /^\[1\/2\] ov\/b1\/t -> main: merged at tier clean-merge as [0-9a-f]{12}$/m);
      assert.match(res.stderr, /^\[2\/2\] ov\/b2\/t -> main: merged at tier clean-merge/m);
      assert.equal(res.stdout.trim(), "Done: 2 merged, 0 failed out of 2 total.");
      assert.equal(repo.git("show", "main:b2.txt"), "b2");
      assert.equal(repo.git("status", "--porcelain"), "");
      assert.deepEqual(
        inbox(repo, "lead-1").map((m) => m.type),
        ["merged", "merged"],
      );
      assert.equal(repo.git("for-each-ref", "refs/ov/merge/lock/"), "");
      const empty = await runOv(["merge", "--all", "--json"], { cwd: repo.dir });
      assert.deepEqual((({ results, count }) => ({ results, count }))(JSON.parse(empty.stdout)), {
        results: [],
        count: 0,
      });
      assert.equal(fsck(repo), "");
    } finally {
      repo.cleanup();
    }
  });

  it("predicts the conflicting files in a dry run", async () => {
    const repo = await swarm();
    try {
      commitOn(repo, "ov/b1/t", { "list.txt": "alpha\nb1\n" });
      commitOn(repo, "main", { "list.txt": "alpha\nmain\n" });
      const res = await runOv(["merge", "--branch", "ov/b1/t", "--dry-run", "--json"], { cwd: repo.dir });
      const p = JSON.parse(res.stdout).predictions[0];
      assert.equal(p.outcome, "conflict");
      assert.deepEqual(
        p.conflicts.map((c: { file: string; rule: string }) => [c.file, c.rule]),
        [["list.txt", "union"]],
      );
      assert.equal(p.tier, "auto-resolve");
    } finally {
      repo.cleanup();
    }
  });

  it("rejects bad input with one clear line and a usage exit code", async () => {
    const repo = await swarm();
    try {
      const none = await runOv(["merge"], { cwd: repo.dir });
      assert.equal(none.code, 2);
      assert.match(none.stderr, /either --branch <name> or --all is required/);
      const unknown = await runOv(["merge", "--branch", "ov/b1/x"], { cwd: repo.dir });
      assert.equal(unknown.code, 4);
      assert.match(unknown.stderr, /branch 'ov\/b1\/x' not found \(did you mean 'ov\/b1\/t'\?/);
      const queued = await runOv(["merge", "--enqueue", "ov/b1/t", "--json"], { cwd: repo.dir });
      assert.equal(JSON.parse(queued.stdout).created, false);
      assert.equal(
        (await runOv(["merge", "queue", "--json"], { cwd: repo.dir })).stdout.trim().split("\n").length,
        2,
      );
    } finally {
      repo.cleanup();
    }
  });

  it("records a plain `git merge` of an agent branch through the installed post-merge hook", async () => {
    const repo = await swarm();
    try {
      commitOn(repo, "ov/b3/t", { "b3.txt": "b3\n" });
      const env = { ...process.env, PATH: `${join(ROOT, "bin")}:${process.env.PATH ?? ""}` };
      execFileSync("git", ["merge", "-q", "--no-edit", "ov/b1/t"], { cwd: repo.dir, env, stdio: "pipe" });
      execFileSync("git", ["merge", "-q", "--no-edit", "ov/b3/t"], { cwd: repo.dir, env, stdio: "pipe" });
      repo.git("checkout", "-q", "-b", "side", "main~2");
      execFileSync("git", ["merge", "-q", "--no-edit", "ov/b2/t"], { cwd: repo.dir, env, stdio: "pipe" });
      const { entries } = await listQueue(await repo.deps());
      const by = new Map(entries.map((e) => [e.branch, e]));
      assert.equal(by.get("ov/b1/t")?.status, "merged");
      assert.equal(by.get("ov/b1/t")?.mergedInto, "main");
      assert.equal(by.get("ov/b3/t")?.status, "merged");
      assert.equal(by.get("ov/b3/t")?.source, "hook");
      assert.equal(
        by.get("ov/b2/t")?.status,
        "pending",
        "a merge into a side branch is not the agent's merge",
      );
      const mail = inbox(repo, "lead-1");
      assert.deepEqual(
        mail.map((m) => [m.type, m.payload.branch, m.payload.tier]),
        [["merged", "ov/b1/t", "manual"]],
      );
    } finally {
      repo.cleanup();
    }
  });

  it("lets one of two racing processes merge while the other refuses, then waits when configured", async () => {
    const repo = await swarm();
    const gate = mkdtempSync(join(tmpdir(), "ov-gate-"));
    try {
      commitOn(repo, "ov/b1/t", { "list.txt": "alpha\nb1\n" });
      commitOn(repo, "main", { "list.txt": "alpha\nmain\n" });
      await configure(await repo.deps(), {
        "merge.autoUnion": "false",
        "merge.resolverCommand": join(FIXTURES, "take-both.sh"),
      });
      const started = join(gate, "started");
      const go = join(gate, "go");
      const env = { OV_TEST_STARTED: started, OV_TEST_GO: go };
      const first = runOv(["merge", "--all"], { cwd: repo.dir, env });
      while (!existsSync(started)) await sleep(20);
      const refused = await runOv(["merge", "--all"], { cwd: repo.dir });
      assert.equal(refused.code, 5, refused.stderr);
      assert.match(refused.stderr, /another git ov merge into 'main' is running: git ov merge \(pid \d+ on /);
      commitOn(repo, "ov/b4/t", { "b4.txt": "b4\n" });
      const queued = await runOv(["merge", "--enqueue", "ov/b4/t"], { cwd: repo.dir });
      assert.equal(queued.code, 0, queued.stderr);
      const waiter = runOv(["merge", "--all"], {
        cwd: repo.dir,
        env: { GIT_CONFIG_PARAMETERS: "'ov.merge.lockTimeoutMs'='60000'" },
      });
      await sleep(300);
      writeFileSync(go, "");
      const [a, w] = await Promise.all([first, waiter]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(w.code, 0, w.stderr);
      assert.match(a.stdout, /Done: 2 merged, 0 failed out of 2 total\./);
      assert.match(w.stdout, /Done: 1 merged, 0 failed out of 1 total\./);
      const { entries } = await listQueue(await repo.deps());
      assert.deepEqual(
        entries.map((e) => [e.branch, e.status, e.attempts.length]),
        [
          ["ov/b1/t", "merged", 1],
          ["ov/b2/t", "merged", 1],
          ["ov/b4/t", "merged", 1],
        ],
      );
      assert.equal(repo.git("rev-list", "--count", "--merges", "main"), "3");
      assert.equal(repo.git("show", "main:list.txt"), "alpha\nmain\nb1");
      assert.equal(fsck(repo), "");
    } finally {
      repo.cleanup();
    }
  });
});
