// The store next to plain git, on both CAS paths: from a linked worktree, on packed refs, and
// while a `git pack-refs --all` loop rewrites packed-refs and prunes loose refs underneath it.
import "../helpers/env.js";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { TreeDraft } from "../../src/store/draft.js";
import type { DocStore } from "../../src/store/store.js";
import { fsck, gitIn, tempRepo } from "../helpers/repo.js";

const REF = "refs/ov/test/doc";

/** Appends `id` to the JSON array in `ids.json` (read-modify-write: a lost update loses an id). */
async function appendId(store: DocStore, id: string): Promise<void> {
  await store.update(REF, async (draft: TreeDraft) => {
    const cur = await draft.readJson("ids.json");
    const ids = cur?.ok && Array.isArray(cur.value) ? (cur.value as string[]) : [];
    await draft.writeJson("ids.json", [...ids, id]);
    return { write: { subject: `append ${id}`, trailers: { "Ov-Op": "append" } }, value: null };
  });
}

function storedIds(dir: string): string[] {
  return JSON.parse(gitIn(dir, ["show", `${REF}:ids.json`])) as string[];
}

/**
 * Starts `git pack-refs --all` in a loop. `started` resolves after its first run; `stop()` ends it
 * and resolves with the number of runs (call it in `finally`: a loop left running would keep the
 * test process alive forever).
 */
function packRefsLoop(dir: string): { started: Promise<void>; stop(): Promise<number> } {
  const control = join(dir, ".git", "pack-loop");
  const script = `n=0; while [ ! -e '${control}.stop' ]; do git pack-refs --all 2>/dev/null; n=$((n+1)); [ $n -gt 1 ] || echo started; done; echo $n`;
  const child = spawn("sh", ["-c", script], { cwd: dir, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  let onStart: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    onStart = resolve;
  });
  child.stdout.on("data", (b: Buffer) => {
    out += b.toString();
    if (out.startsWith("started")) onStart();
  });
  const exited = new Promise<number>((resolve) =>
    child.on("close", () => resolve(Number(out.split("\n")[1]))),
  );
  return {
    started,
    async stop() {
      writeFileSync(`${control}.stop`, "");
      return exited;
    },
  };
}

for (const casMode of ["git", "fast"] as const) {
  describe(`store interop with plain git (${casMode} CAS)`, () => {
    it("writes objects to the common dir from a linked worktree, visible from the main checkout", async () => {
      const repo = tempRepo({ commit: true });
      try {
        const wt = join(repo.dir, ".git", "ov", "worktrees", "w1");
        repo.git("worktree", "add", "-q", "-b", "side", wt);
        const deps = await repo.deps({ casMode, cwd: wt });
        assert.equal(deps.repo.commonDir, join(repo.dir, ".git"));
        assert.equal(deps.repo.gitDir, join(repo.dir, ".git", "worktrees", "w1"));
        const out = await deps.store.update(REF, async (d) => {
          await d.writeJson("a.json", { v: 1 });
          return { write: { subject: "from the worktree" }, value: null };
        });
        const commit = out.commit!;
        assert.ok(existsSync(join(repo.dir, ".git", "objects", commit.slice(0, 2), commit.slice(2))));
        assert.ok(!existsSync(join(repo.dir, ".git", "worktrees", "w1", "objects")));
        assert.ok(!existsSync(join(repo.dir, ".git", "worktrees", "w1", "refs", "ov")));
        assert.equal(repo.git("rev-parse", REF), commit);
        assert.equal(repo.git("show", `${REF}:a.json`), '{\n  "v": 1\n}');
        assert.equal(gitIn(wt, ["rev-parse", REF]), commit);
        assert.equal(gitIn(wt, ["status", "--porcelain"]), "");
        assert.equal(fsck(repo), "");
      } finally {
        repo.cleanup();
      }
    });

    it("updates a ref that lives only in packed-refs", async () => {
      const repo = tempRepo();
      try {
        const { store, git } = await repo.deps({ casMode });
        await appendId(store, "a");
        repo.git("pack-refs", "--all");
        assert.ok(!existsSync(join(repo.dir, ".git", REF)), "the loose ref was pruned");
        assert.equal(await git.refs.read(REF), repo.git("rev-parse", REF));
        await appendId(store, "b");
        assert.deepEqual(storedIds(repo.dir), ["a", "b"]);
        repo.git("pack-refs", "--all");
        assert.equal(repo.git("for-each-ref", "--format=%(refname)", "refs/ov/"), REF);
        assert.equal(fsck(repo), "");
      } finally {
        repo.cleanup();
      }
    });

    it("loses no update while a git pack-refs --all loop runs", async () => {
      const repo = tempRepo({ commit: true });
      try {
        const { store } = await repo.deps({ casMode });
        const lanes = 3;
        const perLane = casMode === "fast" ? 40 : 20;
        const loop = packRefsLoop(repo.dir);
        let runs: number;
        try {
          await loop.started;
          await Promise.all(
            Array.from({ length: lanes }, async (_, lane) => {
              for (let i = 0; i < perLane; i++) await appendId(store, `${lane}-${i}`);
            }),
          );
        } finally {
          runs = await loop.stop();
        }
        assert.ok(runs >= 1);
        const ids = storedIds(repo.dir);
        assert.equal(ids.length, lanes * perLane);
        assert.equal(new Set(ids).size, lanes * perLane);
        assert.equal(repo.git("rev-list", "--count", REF), String(lanes * perLane));
        assert.ok(!existsSync(join(repo.dir, ".git", "packed-refs.lock")));
        assert.ok(!existsSync(join(repo.dir, ".git", `${REF}.lock`)));
        assert.equal(fsck(repo), "");
      } finally {
        repo.cleanup();
      }
    });
  });
}
