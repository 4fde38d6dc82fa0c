import "../helpers/env.js";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runOv } from "../helpers/repo.js";

// The whole first-five-minutes flow through the real bin/git-ov: a lead, two builders, mail, the
// merge queue. Assertions read the repository the demo leaves behind, never its output alone.
const root = realpathSync(mkdtempSync(join(tmpdir(), "ov-e2e-")));
after(() => rmSync(root, { recursive: true, force: true }));

const LEAD = "lead-text-helpers";
const BUILDERS = ["builder-slugify", "builder-truncate"];
const BRANCHES = ["ov/builder-slugify/slugify", "ov/builder-truncate/truncate"];

function gitIn(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

function refs(dir: string, prefix: string): string[] {
  return gitIn(dir, "for-each-ref", "--format=%(refname)", prefix).split("\n").filter(Boolean);
}

describe("git ov demo (end to end)", { timeout: 600_000 }, () => {
  const dir = join(root, "demo");
  let run: Awaited<ReturnType<typeof runOv>>;

  it("runs the swarm to the end and reports every check passed", async () => {
    // Generous: the machine may be loaded; nothing here measures time.
    run = await runOv(["demo", "--dir", dir, "--timeout", "480", "--json"], { cwd: root });
    const out = JSON.parse(run.stdout);
    const failed = (out.checks ?? []).filter((c: { ok: boolean }) => !c.ok);
    assert.equal(run.code, 0, `${JSON.stringify(failed)}\n${run.stderr.slice(-3000)}`);
    assert.equal(out.ok, true);
    assert.equal(out.dir, dir);
    assert.match(run.stderr, /\$ git ov merge --all/);
  });

  it("merged both builder branches into main, one of them through tier-2 auto-resolve", () => {
    for (const b of BRANCHES) gitIn(dir, "merge-base", "--is-ancestor", b, "main");
    const text = gitIn(dir, "show", "main:src/text.js");
    for (const fn of ["capitalize", "slugify", "truncate"])
      assert.match(text, new RegExp(`export function ${fn}\\(`));
    assert.doesNotMatch(text, /^(<<<<<<<|>>>>>>>|=======)/m);
    const tiers = gitIn(dir, "log", "--merges", "--format=%(trailers:key=Ov-Tier,valueonly)", "main")
      .split("\n")
      .filter(Boolean)
      .sort();
    assert.deepEqual(tiers, ["auto-resolve", "clean-merge"]);
    assert.equal(gitIn(dir, "rev-parse", "HEAD"), gitIn(dir, "rev-parse", "main"));
    execFileSync(process.execPath, ["test.js"], { cwd: dir, stdio: "pipe" });
  });

  it("left every session completed", () => {
    const names = refs(dir, "refs/ov/sessions/").map((r) => r.slice("refs/ov/sessions/".length));
    assert.deepEqual(names.sort(), [...BUILDERS, LEAD].sort());
    for (const n of names) {
      const s = JSON.parse(gitIn(dir, "show", `refs/ov/sessions/${n}:session.json`));
      assert.equal(s.state, "completed", n);
    }
    const builders = BUILDERS.map((b) =>
      JSON.parse(gitIn(dir, "show", `refs/ov/sessions/${b}:session.json`)),
    );
    for (const b of builders) assert.equal(b.parent, LEAD);
  });

  it("delivered every message and left none unread", () => {
    const inboxes = refs(dir, "refs/ov/mail/");
    const messages: { from: string; to: string; type: string }[] = [];
    for (const ref of inboxes) {
      assert.equal(gitIn(dir, "ls-tree", "-r", "--name-only", ref, "unread"), "", `${ref} has unread mail`);
      for (const path of gitIn(dir, "ls-tree", "-r", "--name-only", ref, "read").split("\n").filter(Boolean))
        messages.push(JSON.parse(gitIn(dir, "show", `${ref}:${path}`)));
    }
    const seen = messages.map((m) => `${m.from}>${m.to}:${m.type}`).sort();
    assert.deepEqual(
      seen,
      [
        `${BUILDERS[0]}>${LEAD}:worker_done`,
        `${BUILDERS[1]}>${LEAD}:worker_done`,
        `${LEAD}>operator:merge_ready`,
        `${LEAD}>operator:merge_ready`,
        `${LEAD}>operator:worker_done`,
        `merge-queue>${LEAD}:merged`,
        `merge-queue>${LEAD}:merged`,
      ].sort(),
    );
  });

  it("joined code to coordination: Ov-Agent trailers on the merged code commits", () => {
    const agents = gitIn(
      dir,
      "log",
      "--format=%(trailers:key=Ov-Agent,valueonly)",
      "main",
      "--",
      "src/text.js",
    )
      .split("\n")
      .filter(Boolean);
    for (const b of BUILDERS) assert.ok(agents.includes(b), `${b} in ${agents.join(",")}`);
  });

  it("left a repository git fsck finds clean, with no turn in flight", () => {
    assert.equal(gitIn(dir, "fsck", "--strict", "--no-dangling", "--no-progress"), "");
    const turns = join(dir, ".git", "ov", "turns");
    // The demo waits for the last turn to tidy up: no runtime pid, no turn lock left behind.
    assert.deepEqual(
      readdirSync(turns).filter((f) => f.endsWith(".pid") || f.endsWith(".lock")),
      [],
    );
  });
});

describe("git ov demo --runtime claude without Claude Code", () => {
  it("refuses in one line naming the CLI and the fix, and creates nothing", async () => {
    const global = join(root, "gitconfig-no-claude");
    execFileSync("git", ["config", "--file", global, "include.path", process.env.GIT_CONFIG_GLOBAL ?? ""]);
    execFileSync("git", ["config", "--file", global, "ov.runtime.claude.binary", join(root, "no", "claude")]);
    const dir = join(root, "claude-demo");
    const r = await runOv(["demo", "--runtime", "claude", "--dir", dir], {
      cwd: root,
      env: { GIT_CONFIG_GLOBAL: global },
    });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /Claude Code CLI '.*no\/claude' not found/);
    assert.match(r.stderr, /npm install -g @anthropic-ai\/claude-code/);
    assert.equal(existsSync(dir), false);
  });
});
