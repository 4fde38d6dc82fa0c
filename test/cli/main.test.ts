// The CLI shell through the real bin: version, help, -C, unknown commands, and `git ov` found by git.
import "../helpers/env.js";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ROOT, runOv, tempRepo } from "../helpers/repo.js";

const VERSION = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;

describe("git ov (CLI shell)", () => {
  it("prints its version, and name/version/node/git with --json", async () => {
    const plain = await runOv(["--version"], { cwd: ROOT });
    assert.equal(plain.code, 0);
    assert.equal(plain.stdout, `git-ov ${VERSION}\n`);
    const json = await runOv(["--version", "--json"], { cwd: ROOT });
    const out = JSON.parse(json.stdout);
    assert.deepEqual(Object.keys(out), ["name", "version", "node", "git"]);
    assert.equal(out.name, "git-ov");
    assert.equal(out.version, VERSION);
    assert.equal(out.node, process.versions.node);
    assert.match(out.git, /^\d+\.\d+/);
  });

  it("runs as `git ov` when bin/ is on PATH", () => {
    const out = execFileSync("git", ["ov", "--version"], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${join(ROOT, "bin")}:${process.env.PATH ?? ""}` },
    });
    assert.equal(out, `git-ov ${VERSION}\n`);
  });

  it("suggests the nearest command for a typo, exit 2, one line on stderr", async () => {
    const res = await runOv(["doctr"], { cwd: ROOT });
    assert.equal(res.code, 2);
    assert.equal(res.stdout, "");
    assert.equal(
      res.stderr,
      "git ov: error: unknown command 'doctr' (did you mean 'git ov doctor'?); run 'git ov --help' for the list\n",
    );
    const far = await runOv(["zzzzzz"], { cwd: ROOT });
    assert.equal(far.code, 2);
    assert.doesNotMatch(far.stderr, /did you mean/);
  });

  it("lists commands with --help and shows examples on a command's --help", async () => {
    const help = await runOv(["--help"], { cwd: ROOT });
    assert.equal(help.code, 0);
    for (const cmd of ["init", "config get", "doctor"])
      assert.match(help.stdout, new RegExp(`git ov ${cmd}`));
    const cmdHelp = await runOv(["config", "set", "--help"], { cwd: ROOT });
    assert.equal(cmdHelp.code, 0);
    assert.match(cmdHelp.stdout, /^Examples$/m);
    assert.match(cmdHelp.stdout, /git ov config set runtime.default scripted/);
    const nsHelp = await runOv(["config", "--help"], { cwd: ROOT });
    assert.equal(nsHelp.code, 0);
    assert.match(nsHelp.stdout, /git ov config unset/);
    assert.doesNotMatch(nsHelp.stdout, /git ov doctor/);
  });

  it("runs in another repository with -C, like git", async () => {
    const repo = tempRepo();
    try {
      const res = await runOv(["-C", repo.dir, "init", "--json"], { cwd: ROOT });
      assert.equal(res.code, 0, res.stderr);
      assert.equal(JSON.parse(res.stdout).ovDir, join(repo.dir, ".git", "ov"));
      assert.notEqual(repo.git("for-each-ref", "refs/ov/config"), "");
      const missing = await runOv(["-C"], { cwd: ROOT });
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /-C needs a path/);
    } finally {
      repo.cleanup();
    }
  });
});
