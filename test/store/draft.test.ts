// TreeDraft and RawTree against a model: random edits with names that stress git's tree order
// (a directory sorts as `name/`, bytes not UTF-16 units), checked with ls-tree and fsck.
import "../helpers/env.js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RawTree, type TreeEntry, serializeTree } from "../../src/git/tree.js";
import { fsck, gitIn, tempRepo } from "../helpers/repo.js";

const NAMES = ["a", "a.b", "a-b", "a b", "a0", "ab", "b", "\u00e4", "\u{1F600}", "\uFB01", "z"];
const REF = "refs/ov/test/draft";

/** A small deterministic generator (LCG), so a failure replays. */
function rng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % n;
  };
}

function randomPath(pick: (n: number) => number): string {
  const depth = 1 + pick(3);
  return Array.from({ length: depth }, () => NAMES[pick(NAMES.length)]).join("/");
}

/** The model: path → content, with git's rule that a path is a file or a directory, not both. */
function modelWrite(model: Map<string, string>, path: string, content: string): void {
  for (const k of [...model.keys()]) {
    if (path.startsWith(`${k}/`) || k.startsWith(`${path}/`)) model.delete(k);
  }
  model.set(path, content);
}

function modelRemove(model: Map<string, string>, path: string): boolean {
  let found = false;
  for (const k of [...model.keys()]) {
    if (k === path || k.startsWith(`${path}/`)) {
      model.delete(k);
      found = true;
    }
  }
  return found;
}

describe("TreeDraft", () => {
  it("matches a model over random edits across many commits, and git accepts every tree", async () => {
    const repo = tempRepo();
    try {
      const { store } = await repo.deps();
      const model = new Map<string, string>();
      const pick = rng(42);
      for (let round = 0; round < 40; round++) {
        await store.update(REF, async (draft) => {
          for (let op = 0; op < 1 + pick(6); op++) {
            const path = randomPath(pick);
            if (pick(3) === 0) {
              assert.equal(await draft.remove(path), modelRemove(model, path), `remove ${path}`);
            } else {
              const content = `${round}.${op}\n`;
              await draft.write(path, content);
              modelWrite(model, path, content);
              assert.equal(await draft.readText(path), content);
            }
          }
          return { write: { subject: `round ${round}` }, value: null };
        });
        const files = repo.git("ls-tree", "-r", "-z", "--name-only", REF).split("\0").filter(Boolean);
        assert.deepEqual(files.sort(), [...model.keys()].sort(), `round ${round}`);
      }
      for (const [path, content] of model) {
        assert.equal(gitIn(repo.dir, ["cat-file", "blob", `${REF}:${path}`]), content.trim());
      }
      assert.equal(fsck(repo), "", "every tree is sorted the way git requires");
    } finally {
      repo.cleanup();
    }
  });
});

describe("RawTree", () => {
  const oid = (n: number) => n.toString(16).padStart(40, "0");
  const entries: TreeEntry[] = NAMES.flatMap((name, i) => [
    { mode: "100644", name, oid: oid(i) },
    { mode: "40000", name: `${name}.d`, oid: oid(100 + i) },
    { mode: "40000", name: `${name}-dir`, oid: oid(200 + i) },
  ]);

  it("finds entries by name, files and directories alike", () => {
    const raw = new RawTree(serializeTree(entries));
    assert.equal(raw.size, entries.length);
    for (const e of entries) assert.deepEqual(raw.find(e.name), e);
    assert.equal(raw.find("missing"), undefined);
    assert.equal(raw.find("a.d/"), undefined);
  });

  it("applies adds, replacements and removals exactly as a full rewrite would", () => {
    const pick = rng(7);
    for (let trial = 0; trial < 200; trial++) {
      const start = entries.filter(() => pick(2) === 0);
      const changes = new Map<string, TreeEntry | null>();
      for (let i = 0; i < 1 + pick(5); i++) {
        const name = entries[pick(entries.length)]?.name ?? "x";
        const mode = pick(2) === 0 ? "100644" : "40000";
        changes.set(name, pick(3) === 0 ? null : { mode, name, oid: oid(1000 + pick(50)) });
      }
      const expected = new Map(start.map((e) => [e.name, e]));
      for (const [name, e] of changes) {
        if (e) expected.set(name, e);
        else expected.delete(name);
      }
      const got = new RawTree(serializeTree(start)).apply(changes);
      assert.deepEqual(got, serializeTree([...expected.values()]), `trial ${trial}`);
    }
  });
});
