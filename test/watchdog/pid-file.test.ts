import "../helpers/env.js";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { claimPidFile, readPidFile, releasePidFile } from "../../src/sys/pid-file.js";
import { ROOT } from "../helpers/repo.js";
import { FIXTURES, exited } from "./harness.js";

const dir = mkdtempSync(join(tmpdir(), "ov-pid-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function deadPid(): Promise<number> {
  const p = spawn(process.execPath, ["-e", "0"]);
  await exited(p);
  return p.pid!;
}

describe("claimPidFile", () => {
  it("claims a missing file (creating its directory), is idempotent for its owner, and refuses a live foreign pid", () => {
    const path = join(dir, "a", "watchdog.pid");
    assert.deepEqual(claimPidFile(path, process.pid), { ok: true });
    assert.equal(readFileSync(path, "utf8"), `${process.pid}\n`);
    assert.deepEqual(claimPidFile(path, process.pid), { ok: true });
    assert.deepEqual(claimPidFile(path, 1), { ok: false, existingPid: process.pid });
    assert.equal(releasePidFile(path, 1), false, "only the named owner releases");
    assert.equal(releasePidFile(path, process.pid), true);
    assert.equal(readPidFile(path), undefined);
  });

  it("replaces a file naming a dead pid, or garbage", async () => {
    const path = join(dir, "b.pid");
    writeFileSync(path, `${await deadPid()}\n`);
    assert.deepEqual(claimPidFile(path, process.pid), { ok: true });
    writeFileSync(path, "not a pid");
    assert.equal(readPidFile(path), null);
    assert.deepEqual(claimPidFile(path, process.pid), { ok: true });
    assert.equal(readPidFile(path), process.pid);
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.startsWith("b.pid.")),
      [],
      "no temp or guard file left",
    );
  });

  it("lets exactly one of several racing processes win, even over a stale file", async () => {
    const path = join(dir, "race.pid");
    writeFileSync(path, `${await deadPid()}\n`);
    const go = join(dir, "go");
    const racers = Array.from({ length: 4 }, () =>
      spawn(process.execPath, ["--import", "tsx", join(FIXTURES, "claim.ts"), path, "3000", go], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
    await Promise.all(racers.map((p) => new Promise((r) => p.stderr.once("data", r))));
    writeFileSync(go, "");
    const outputs = await Promise.all(
      racers.map(
        (p) =>
          new Promise<{ pid: number; ok: boolean }>((resolve) => {
            let out = "";
            p.stdout.on("data", (b: Buffer) => {
              out += b.toString();
              if (out.includes("\n")) resolve({ pid: p.pid!, ok: (JSON.parse(out) as { ok: boolean }).ok });
            });
          }),
      ),
    );
    const winners = outputs.filter((o) => o.ok);
    assert.equal(winners.length, 1);
    assert.equal(readPidFile(path), winners[0]?.pid);
    for (const p of racers) p.kill("SIGKILL");
  });
});
