// The document store's contract, run against both compare-and-set paths: `git update-ref` ("git")
// and the in-process lock-file protocol ("fast"). Every case asserts on the repository itself.
import "../helpers/env.js";
import assert from "node:assert/strict";
import { existsSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { OvError } from "../../src/core/errors.js";
import { canonicalJson } from "../../src/core/json.js";
import { listDocs, readDoc } from "../../src/store/documents.js";
import { DocStore } from "../../src/store/store.js";
import { type Validator, shape, str } from "../../src/store/validate.js";
import { systemClock } from "../../src/sys/clock.js";
import { fsck, plantDocument, tempRepo } from "../helpers/repo.js";

interface Item {
  v: number;
  name: string;
}
const itemValidator: Validator<Item> = shape<Item>({ v: (v) => v as number, name: str });
const REF = "refs/ov/test/doc";

/** An op that writes `items/<name>.json`. */
function put(name: string) {
  return async (draft: import("../../src/store/draft.js").TreeDraft) => {
    await draft.writeJson(`items/${name}.json`, { v: 1, name });
    return { write: { subject: `add ${name}`, trailers: { "Ov-Op": "add", "Ov-Item": name } }, value: name };
  };
}

/** Asserts `fn` rejects with an OvError of `code` and returns it. */
async function rejectsWith(fn: () => Promise<unknown>, code: string): Promise<OvError> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof OvError, `expected OvError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

for (const casMode of ["git", "fast"] as const) {
  describe(`store contract (${casMode} CAS)`, () => {
    it("creates, updates and removes files, one commit per write with trailers", async () => {
      const repo = tempRepo();
      try {
        const { store } = await repo.deps({ casMode });
        const first = await store.update(REF, put("a"));
        await store.update(REF, put("b"));
        const last = await store.update(REF, async (draft) => {
          assert.equal(await draft.remove("items/a.json"), true);
          assert.equal(await draft.remove("items/missing.json"), false);
          return { write: { subject: "remove a", trailers: { "Ov-Op": "remove" } }, value: null };
        });
        assert.equal(repo.git("rev-parse", REF), last.commit);
        assert.equal(repo.git("ls-tree", "-r", "--name-only", REF), "items/b.json");
        assert.equal(repo.git("show", `${REF}:items/b.json`) + "\n", canonicalJson({ v: 1, name: "b" }));
        assert.equal(repo.git("log", "--format=%s", REF), "remove a\nadd b\nadd a");
        assert.equal(repo.git("log", "-1", "--format=%(trailers:key=Ov-Op,valueonly)", REF), "remove");
        assert.equal(repo.git("rev-list", "--max-parents=0", REF), first.commit);
        // Removing the last file of a directory drops the directory from the tree.
        await store.update(REF, async (draft) => {
          await draft.remove("items/b.json");
          await draft.write("keep.txt", "x\n");
          return { write: { subject: "empty items" }, value: null };
        });
        assert.equal(repo.git("ls-tree", "--name-only", REF), "keep.txt");
        assert.equal(fsck(repo), "");
      } finally {
        repo.cleanup();
      }
    });

    it("moves nothing when the op returns write:false", async () => {
      const repo = tempRepo();
      try {
        const { store } = await repo.deps({ casMode });
        const created = await store.update(REF, put("a"));
        const out = await store.update(REF, async (draft, ctx) => {
          await draft.writeJson("items/ignored.json", { v: 1, name: "ignored" });
          return { write: false, value: ctx.tip };
        });
        assert.equal(out.commit, undefined);
        assert.equal(out.value, created.commit);
        assert.equal(repo.git("rev-parse", REF), created.commit);
        const none = await store.update("refs/ov/test/never", async () => ({ write: false, value: 1 }));
        assert.equal(none.commit, undefined);
        assert.equal(repo.git("for-each-ref", "refs/ov/test/never"), "");
      } finally {
        repo.cleanup();
      }
    });

    it("moves every ref of a transaction or none", async () => {
      const repo = tempRepo();
      try {
        const { store, git } = await repo.deps({ casMode });
        const a0 = (await store.update("refs/ov/test/a", put("a"))).commit!;
        const b0 = (await store.update("refs/ov/test/b", put("b"))).commit!;
        const c0 = (await store.update("refs/ov/test/c", put("c"))).commit!;
        // Ref level: one wrong expected value fails the whole transaction.
        const res = await git.refs.transact([
          { ref: "refs/ov/test/a", next: c0, prev: a0 },
          { ref: "refs/ov/test/b", next: c0, prev: a0 },
        ]);
        assert.deepEqual(res, { ok: false, reason: "moved" });
        assert.equal(repo.git("rev-parse", "refs/ov/test/a"), a0);
        assert.equal(repo.git("rev-parse", "refs/ov/test/b"), b0);
        // Store level: b moves behind the store's back during the first attempt; the retry lands
        // both, and a's first-attempt commit never becomes visible.
        let calls = 0;
        const out = await store.transact(["refs/ov/test/a", "refs/ov/test/b"], async (drafts) => {
          calls++;
          if (calls === 1) repo.git("update-ref", "refs/ov/test/b", c0, b0);
          for (const d of drafts.values()) await d.writeJson(`items/t${calls}.json`, { v: 1, name: "t" });
          const note = { subject: `both, attempt ${calls}` };
          return { value: calls, writes: new Map([...drafts.keys()].map((r) => [r, { note }])) };
        });
        assert.equal(out.attempts, 2);
        assert.equal(repo.git("log", "--format=%s", "refs/ov/test/a"), "both, attempt 2\nadd a");
        assert.equal(repo.git("log", "--format=%s", "refs/ov/test/b"), "both, attempt 2\nadd c");
        assert.equal(repo.git("rev-parse", "refs/ov/test/a"), out.commits.get("refs/ov/test/a"));
        assert.equal(fsck(repo), "");
      } finally {
        repo.cleanup();
      }
    });

    it("removes a document only from the expected tip", async () => {
      const repo = tempRepo();
      try {
        const { store } = await repo.deps({ casMode });
        const first = (await store.update(REF, put("a"))).commit!;
        const second = (await store.update(REF, put("b"))).commit!;
        assert.deepEqual(await store.remove(REF, first), { ok: false, reason: "moved" });
        assert.equal(repo.git("rev-parse", REF), second);
        repo.git("pack-refs", "--all");
        assert.deepEqual(await store.remove(REF, second), { ok: true });
        assert.equal(repo.git("for-each-ref", REF), "");
      } finally {
        repo.cleanup();
      }
    });

    it("lists the good documents and reports each bad one with ref and commit", async () => {
      const repo = tempRepo();
      try {
        const { store } = await repo.deps({ casMode });
        const doc = (name: string) => ({ "doc.json": canonicalJson({ v: 1, name }) });
        plantDocument(repo.dir, "refs/ov/list/good-1", doc("one"));
        const badJson = plantDocument(repo.dir, "refs/ov/list/bad-json", { "doc.json": "{ nope" });
        const badV = plantDocument(repo.dir, "refs/ov/list/bad-v", { "doc.json": '{"v": 99, "name": "x"}' });
        const badShape = plantDocument(repo.dir, "refs/ov/list/bad-shape", { "doc.json": '{"v": 1}' });
        const noFile = plantDocument(repo.dir, "refs/ov/list/no-file", { "other.json": "{}" });
        await store.update("refs/ov/list/good-2", async (d) => {
          await d.writeJson("doc.json", { v: 1, name: "two" });
          return { write: { subject: "good" }, value: null };
        });
        const { docs, problems } = await listDocs(store, "refs/ov/list/", "doc.json", itemValidator);
        assert.deepEqual(docs.map((d) => d.value.name).sort(), ["one", "two"]);
        const byRef = new Map(problems.map((p) => [p.ref, p]));
        assert.equal(byRef.size, 4);
        assert.equal(byRef.get("refs/ov/list/bad-json")?.commit, badJson);
        assert.match(byRef.get("refs/ov/list/bad-json")?.problem ?? "", /not JSON/);
        assert.equal(byRef.get("refs/ov/list/bad-v")?.commit, badV);
        assert.match(byRef.get("refs/ov/list/bad-v")?.problem ?? "", /format version 99/);
        assert.equal(byRef.get("refs/ov/list/bad-shape")?.commit, badShape);
        assert.match(byRef.get("refs/ov/list/bad-shape")?.problem ?? "", /\$\.name must be a string/);
        assert.equal(byRef.get("refs/ov/list/no-file")?.commit, noFile);
        const one = await readDoc(store, "refs/ov/list/bad-v", "doc.json", itemValidator);
        assert.equal(one.kind === "invalid" && one.problem.commit, badV);
        // A validator that throws something other than `Invalid` is still a report, not a crash.
        const throwing: Validator<Item> = () => {
          throw new TypeError("boom");
        };
        const odd = await readDoc(store, "refs/ov/list/good-1", "doc.json", throwing);
        assert.equal(odd.kind, "invalid");
      } finally {
        repo.cleanup();
      }
    });

    it("reports a lock older than 30 s as STALE_LOCK with the command to clear it", async () => {
      const repo = tempRepo();
      try {
        const { store } = await repo.deps({ casMode });
        const before = (await store.update(REF, put("a"))).commit;
        const lock = join(repo.dir, ".git", `${REF}.lock`);
        writeFileSync(lock, "");
        const old = new Date(systemClock.now() - 60_000);
        utimesSync(lock, old, old);
        const err = await rejectsWith(() => store.update(REF, put("b")), "STALE_LOCK");
        assert.equal(err.data.lockPath, lock);
        assert.equal(err.hint, `if no git process is running, remove it: rm '${lock}'`);
        assert.equal(repo.git("rev-parse", REF), before);
        assert.ok(existsSync(lock), "the store never removes a lock it does not own");
      } finally {
        repo.cleanup();
      }
    });

    it("gives up with CAS_CONFLICT when a live lock stops all progress", async () => {
      const repo = tempRepo();
      try {
        const deps = await repo.deps({ casMode });
        const before = (await deps.store.update(REF, put("a"))).commit;
        writeFileSync(join(repo.dir, ".git", `${REF}.lock`), "");
        const impatient = new DocStore(deps.git, { clock: systemClock, retry: { stallMs: 400 } });
        const err = await rejectsWith(() => impatient.update(REF, put("b")), "CAS_CONFLICT");
        assert.ok((err.data.attempts as number) > 1, "it retried before giving up");
        assert.equal(err.data.lastReason, "locked");
        assert.equal(err.data.giveUp, "stalled");
        assert.equal(repo.git("rev-parse", REF), before);
      } finally {
        repo.cleanup();
      }
    });

    it("works in a repository without commits and leaves HEAD unborn", async () => {
      const repo = tempRepo();
      try {
        const { store } = await repo.deps({ casMode });
        await store.update(REF, put("a"));
        const read = await readDoc(store, REF, "items/a.json", itemValidator);
        assert.equal(read.kind === "ok" && read.value.name, "a");
        assert.throws(() => repo.git("rev-parse", "--verify", "-q", "HEAD"));
        assert.equal(repo.git("status", "--porcelain"), "");
        assert.equal(fsck(repo), "");
      } finally {
        repo.cleanup();
      }
    });
  });
}
