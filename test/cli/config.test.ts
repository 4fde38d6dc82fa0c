// `git ov config` through the real bin: values land in refs/ov/config as canonical JSON with
// trailers, per-user git config wins, and bad input changes nothing.
import "../helpers/env.js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CONFIG_KEYS } from "../../src/config/keys.js";
import { runOv, tempRepo } from "../helpers/repo.js";

async function initRepo() {
  const repo = tempRepo();
  const res = await runOv(["init"], { cwd: repo.dir });
  assert.equal(res.code, 0, res.stderr);
  return repo;
}

function stored(repo: ReturnType<typeof tempRepo>): Record<string, unknown> {
  return JSON.parse(repo.git("show", "refs/ov/config:config.json")).values;
}

describe("git ov config", () => {
  it("sets, gets and unsets a shared value in refs/ov/config", async () => {
    const repo = await initRepo();
    try {
      const set = await runOv(["config", "set", "watchdog.staleMs", "120_000"], { cwd: repo.dir });
      assert.equal(set.code, 0, set.stderr);
      assert.equal(set.stdout, "watchdog.staleMs = 120000\n");
      assert.equal(stored(repo)["watchdog.staleMs"], 120000);
      assert.equal(
        repo.git("log", "-1", "--format=%s", "refs/ov/config"),
        "config: watchdog.staleMs = 120000",
      );
      assert.equal(
        repo.git("log", "-1", "--format=%(trailers:only,unfold)", "refs/ov/config"),
        "Ov-Op: config-set\nOv-Key: watchdog.staleMs",
      );
      assert.equal(repo.git("show", "refs/ov/config:config.json").split("\n")[1], '  "v": 1,');

      const get = await runOv(["config", "get", "watchdog.staleMs", "--json"], { cwd: repo.dir });
      assert.deepEqual(JSON.parse(get.stdout), {
        success: true,
        command: "config get",
        key: "watchdog.staleMs",
        value: 120000,
        source: "refs/ov/config",
      });

      const unset = await runOv(["config", "unset", "watchdog.staleMs", "--json"], { cwd: repo.dir });
      assert.deepEqual(JSON.parse(unset.stdout), {
        success: true,
        command: "config unset",
        key: "watchdog.staleMs",
      });
      assert.equal(stored(repo)["watchdog.staleMs"], undefined);
      const back = await runOv(["config", "get", "watchdog.staleMs"], { cwd: repo.dir });
      assert.equal(back.stdout, "300000\n");
    } finally {
      repo.cleanup();
    }
  });

  it("lets git config ov.<key> override the shared value", async () => {
    const repo = await initRepo();
    try {
      await runOv(["config", "set", "runtime.default", "scripted"], { cwd: repo.dir });
      repo.git("config", "ov.runtime.default", "claude");
      const get = await runOv(["config", "get", "runtime.default", "--json"], { cwd: repo.dir });
      assert.equal(JSON.parse(get.stdout).value, "claude");
      assert.equal(JSON.parse(get.stdout).source, "git config");
    } finally {
      repo.cleanup();
    }
  });

  it("lists every key as NDJSON with --json and as aligned text without", async () => {
    const repo = await initRepo();
    try {
      const json = await runOv(["config", "list", "--json"], { cwd: repo.dir });
      const rows = json.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      assert.deepEqual(
        rows.map((r) => r.key),
        Object.keys(CONFIG_KEYS),
      );
      assert.deepEqual(
        rows.find((r) => r.key === "project.canonicalBranch"),
        {
          key: "project.canonicalBranch",
          value: "main",
          source: "refs/ov/config",
          doc: CONFIG_KEYS["project.canonicalBranch"].doc,
        },
      );
      const text = await runOv(["config", "list"], { cwd: repo.dir });
      assert.match(text.stdout, /^agents\.maxDepth +2$/m);
      assert.equal(text.stdout.trim().split("\n").length, Object.keys(CONFIG_KEYS).length);
    } finally {
      repo.cleanup();
    }
  });

  for (const [what, args, pattern] of [
    [
      "an unknown key",
      ["config", "set", "agents.maxDept", "3"],
      /unknown config key 'agents.maxDept'.*did you mean 'agents.maxDepth'/,
    ],
    [
      "a value of the wrong type",
      ["config", "set", "agents.maxDepth", "deep"],
      /agents.maxDepth takes a whole number, not 'deep'/,
    ],
    [
      "a value below the minimum",
      ["config", "set", "watchdog.intervalMs", "5"],
      /watchdog.intervalMs must be >= 100/,
    ],
    [
      "a value outside the enum",
      ["config", "set", "runtime.claude.permissionMode", "yolo"],
      /must be one of bypassPermissions/,
    ],
    ["an unknown key to unset", ["config", "unset", "nope"], /unknown config key 'nope'/],
  ] as const) {
    it(`rejects ${what} with one line, exit 1, and leaves refs/ov/config unchanged`, async () => {
      const repo = await initRepo();
      try {
        const tip = repo.git("rev-parse", "refs/ov/config");
        const res = await runOv([...args], { cwd: repo.dir });
        assert.equal(res.code, 1);
        assert.equal(res.stdout, "");
        assert.match(res.stderr, /^git ov: error: /);
        assert.match(res.stderr, pattern);
        assert.equal(res.stderr.trim().split("\n").length, 1);
        assert.equal(repo.git("rev-parse", "refs/ov/config"), tip);
        const json = await runOv([...args, "--json"], { cwd: repo.dir });
        const out = JSON.parse(json.stdout);
        assert.equal(out.success, false);
        assert.equal(out.error.code, "CONFIG");
        assert.equal(json.stderr, "");
        assert.equal(repo.git("rev-parse", "refs/ov/config"), tip);
      } finally {
        repo.cleanup();
      }
    });
  }

  it("reports a missing argument as a usage error pointing at --help", async () => {
    const repo = await initRepo();
    try {
      const res = await runOv(["config", "set", "agents.maxDepth"], { cwd: repo.dir });
      assert.equal(res.code, 2);
      assert.match(res.stderr, /^git ov: error: .*run 'git ov config --help'/);
      assert.equal(res.stderr.trim().split("\n").length, 1);
    } finally {
      repo.cleanup();
    }
  });
});
