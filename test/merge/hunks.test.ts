import "../helpers/env.js";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { hasMarkerLike, resolveHunks } from "../../src/merge/hunks.js";

const SIZE = 32;

/** Runs the real `git merge-file --diff3` on three texts, then tier 2's hunk resolution. */
function tier2(base: string, ours: string, theirs: string, union = true) {
  const dir = mkdtempSync(join(tmpdir(), "ov-hunks-"));
  try {
    for (const [n, t] of [
      ["base", base],
      ["ours", ours],
      ["theirs", theirs],
    ] as const)
      writeFileSync(join(dir, n), t);
    let merged: string;
    try {
      merged = execFileSync(
        "git",
        ["merge-file", "-p", "--diff3", `--marker-size=${SIZE}`, "ours", "base", "theirs"],
        { cwd: dir, encoding: "utf8" },
      );
    } catch (e) {
      merged = (e as { stdout: string }).stdout;
    }
    const ends = (t: string) => t === "" || t.endsWith("\n");
    return resolveHunks(merged, SIZE, {
      union,
      endsWithNewline: { base: ends(base), ours: ends(ours), theirs: ends(theirs) },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("merge/hunks (tier 2 rules)", () => {
  it("keeps both sides when two agents insert at the same line (reference issue #89)", () => {
    const r = tier2("a\nb\n", "a\nb\nfrom-target\n", "a\nb\nfrom-branch\n");
    assert.equal(r.text, "a\nb\nfrom-target\nfrom-branch\n");
    assert.deepEqual(r.rules, ["union"]);
  });

  it("escalates the same-line insertion when union is disabled instead of dropping a side", () => {
    const r = tier2("a\nb\n", "a\nb\nfrom-target\n", "a\nb\nfrom-branch\n", false);
    assert.equal(r.text, undefined);
    assert.equal(r.unresolved, 1);
  });

  it("takes each side's edit where the other side left that region unchanged (adjacent lines)", () => {
    const r = tier2("a\nb\nc\nd\n", "a\nB\nc\nd\n", "a\nb\nC\nd\n");
    assert.equal(r.text, "a\nB\nC\nd\n");
    assert.deepEqual(r.rules, ["one-side-unchanged"]);
  });

  it("escalates when both sides changed the same line differently", () => {
    const r = tier2("a\nb\nc\n", "a\nB1\nc\n", "a\nB2\nc\n");
    assert.equal(r.text, undefined);
    assert.equal(r.unresolved, 1);
  });

  it("escalates when one side deleted a line the other changed", () => {
    const r = tier2("a\nb\nc\n", "a\nc\n", "a\nB\nc\n");
    assert.equal(r.text, undefined);
  });

  it("keeps an insertion next to the other side's edit, in order", () => {
    const r = tier2("x\n}\ny\n", "x\nnew()\n}\ny\n", "x\n} // end\ny\n");
    assert.equal(r.text, "x\nnew()\n} // end\ny\n");
  });

  it("never loses a line of either side in any resolved hunk", () => {
    const cases: [string, string, string][] = [
      ["1\n2\n3\n", "1\n2\n3\nA\nB\n", "1\n2\n3\nC\n"],
      ["", "only-target\n", "only-branch\n"],
      ["h\nf\n", "h\nx1\nf\nx2\n", "h\ny1\nf\n"],
    ];
    for (const [b, o, t] of cases) {
      const r = tier2(b, o, t);
      assert.ok(r.text !== undefined, `resolved ${JSON.stringify([b, o, t])}`);
      for (const line of [...o.split("\n"), ...t.split("\n")].filter(Boolean))
        assert.ok(r.text.includes(line));
    }
  });

  it("drops no side's change over many generated conflicts (property, fixed seed)", () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const words = ["a", "b", "c", "}", ""];
    const mutate = (base: string[]) => {
      const out = [...base];
      for (let k = 1 + rnd(3); k > 0; k--) {
        const at = Math.min(rnd(out.length + 1), Math.max(out.length - 1, 0));
        const op = rnd(3);
        if (op === 0 || out.length === 0) out.splice(rnd(out.length + 1), 0, `x${rnd(9)}`);
        else if (op === 1) out.splice(at, 1);
        else out[at] = `y${rnd(9)}`;
      }
      return out;
    };
    const count = (a: string[], l: string) => a.filter((x) => x === l).length;
    const text = (a: string[]) => a.map((l) => `${l}\n`).join("");
    let resolved = 0;
    for (let t = 0; t < 60; t++) {
      const base = Array.from({ length: 3 + rnd(5) }, () => words[rnd(words.length)]!);
      const [ours, theirs] = [mutate(base), mutate(base)];
      const r = tier2(text(base), text(ours), text(theirs));
      if (r.text === undefined) continue;
      resolved++;
      const res = r.text.split("\n").slice(0, -1);
      for (const l of new Set([...base, ...ours, ...theirs, ...res])) {
        const [b, dO, dT] = [
          count(base, l),
          count(ours, l) - count(base, l),
          count(theirs, l) - count(base, l),
        ];
        const dR = count(res, l) - b;
        // Net effect per line: both sides' changes, an identical change counted once, never neither.
        const [lo, hi] =
          dO >= 0 && dT >= 0
            ? [Math.max(dO, dT), dO + dT]
            : dO <= 0 && dT <= 0
              ? [dO + dT, Math.min(dO, dT)]
              : [Math.min(dO, dT), Math.max(dO, dT)];
        const ok = dR >= lo && dR <= hi;
        assert.ok(ok, `line ${JSON.stringify(l)}: ${JSON.stringify({ base, ours, theirs, res })}`);
      }
    }
    assert.ok(resolved > 10, `only ${resolved} generated cases were resolved`);
  });

  it("restores a missing final newline of the side that ends the file", () => {
    const r = tier2("a\n", "a\nx", "a\ny");
    assert.equal(r.text, "a\nx\ny");
  });

  it("detects content that could be mistaken for markers", () => {
    assert.equal(hasMarkerLike(`${"<".repeat(SIZE)} x\n`, SIZE), true);
    assert.equal(hasMarkerLike("<<<<<<< ours\n", SIZE), false);
  });
});
