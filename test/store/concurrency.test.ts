// Real processes racing on one document, on both CAS paths: nothing lost, nothing corrupt, and a
// writer killed with SIGKILL mid-run leaves a document that reads and accepts the next write.
import "../helpers/env.js";
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, rmSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { OvError } from "../../src/core/errors.js";
import { readDoc } from "../../src/store/documents.js";
import { arrayOf, int, shape, str } from "../../src/store/validate.js";
import { systemClock } from "../../src/sys/clock.js";
import { ROOT, fsck, tempRepo } from "../helpers/repo.js";

const REF = "refs/ov/test/doc";
const WRITER = join(ROOT, "test", "fixtures", "store-writer.ts");
const WRITERS = 8;
const UPDATES = 200;

interface Writer {
  child: ChildProcessWithoutNullStreams;
  /** Ids the writer reported as landed. */
  acked: string[];
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; attempts: number }>;
}

function startWriter(dir: string, mode: "git" | "fast", worker: string, count: string): Writer {
  const child = spawn(process.execPath, ["--import", "tsx", WRITER, dir, mode, worker, count], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const acked: string[] = [];
  let attempts = 0;
  let stderr = "";
  let buf = "";
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  child.stderr.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  child.stdout.on("data", (b: Buffer) => {
    buf += b.toString();
    let nl = buf.indexOf("\n");
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line === "ready") onReady();
      else if (line.startsWith("ok ")) acked.push(line.slice(3));
      else if (line.startsWith("done ")) attempts = Number(line.slice(5));
      nl = buf.indexOf("\n");
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; attempts: number }>(
    (resolve) =>
      child.on("close", (code, signal) => {
        if (code !== 0 && signal === null) process.stderr.write(`writer ${worker} failed:\n${stderr}\n`);
        resolve({ code, signal, attempts });
      }),
  );
  return { child, acked, ready, exited };
}

const idsValidator = shape<{ v: number; ids: string[] }>({ v: int, ids: arrayOf(str) });

for (const casMode of ["git", "fast"] as const) {
  describe(`store under concurrent processes (${casMode} CAS)`, () => {
    it(`keeps every update of ${WRITERS} processes x ${UPDATES} appends to one document`, async (t) => {
      const repo = tempRepo();
      try {
        const writers = Array.from({ length: WRITERS }, (_, w) =>
          startWriter(repo.dir, casMode, `w${w}`, String(UPDATES)),
        );
        await Promise.all(writers.map((w) => w.ready));
        for (const w of writers) w.child.stdin.end("go\n");
        const results = await Promise.all(writers.map((w) => w.exited));
        assert.deepEqual(
          results.map((r) => r.code),
          writers.map(() => 0),
        );
        const ids = (JSON.parse(repo.git("show", `${REF}:ids.json`)) as { ids: string[] }).ids;
        assert.equal(ids.length, WRITERS * UPDATES);
        assert.equal(new Set(ids).size, WRITERS * UPDATES);
        for (const w of writers) for (const id of w.acked) assert.ok(ids.includes(id), `${id} was lost`);
        assert.equal(repo.git("rev-list", "--count", REF), String(WRITERS * UPDATES));
        assert.equal(fsck(repo), "");
        const attempts = results.reduce((n, r) => n + r.attempts, 0);
        t.diagnostic(`${attempts} attempts for ${WRITERS * UPDATES} writes`);
      } finally {
        repo.cleanup();
      }
    });

    it("survives a writer killed with SIGKILL in the middle of its loop", async (t) => {
      const repo = tempRepo();
      try {
        const { store } = await repo.deps({ casMode });
        for (let round = 0; round < 2; round++) {
          const w = startWriter(repo.dir, casMode, `k${round}`, "forever");
          await w.ready;
          w.child.stdin.end("go\n");
          while (w.acked.length < 15 + round * 7) await sleep(1);
          w.child.kill("SIGKILL");
          assert.equal((await w.exited).signal, "SIGKILL");
          await recoverAbandonedLock(repo.dir, store, t);
          const doc = await readDoc(store, REF, "ids.json", idsValidator);
          assert.equal(doc.kind, "ok", "the document still reads and validates");
          const ids = doc.kind === "ok" ? doc.value.ids : [];
          for (const id of w.acked) assert.ok(ids.includes(id), `acknowledged ${id} was lost`);
          const next = await store.update(REF, async (d) => {
            await d.writeJson("ids.json", { v: 1, ids: [...ids, `after-${round}`] });
            return { write: { subject: `after kill ${round}` }, value: null };
          });
          assert.equal(repo.git("rev-parse", REF), next.commit);
        }
        assert.equal(fsck(repo), "");
      } finally {
        repo.cleanup();
      }
    });
  });
}

/**
 * A writer killed between taking `<ref>.lock` and renaming it leaves the lock behind, exactly as a
 * killed git does. A git child of the killed writer may still be finishing, so wait a moment first;
 * a lock that outlives that is abandoned, and the documented recovery must work: once it is old,
 * STALE_LOCK names the `rm` command, and after it the next write lands.
 */
async function recoverAbandonedLock(
  dir: string,
  store: import("../../src/store/store.js").DocStore,
  t: { diagnostic(s: string): void },
): Promise<void> {
  const lock = join(dir, ".git", `${REF}.lock`);
  for (let i = 0; i < 100 && existsSync(lock); i++) await sleep(20);
  if (!existsSync(lock)) return;
  const old = new Date(systemClock.now() - 60_000);
  utimesSync(lock, old, old);
  await assert.rejects(
    () => store.update(REF, async () => ({ write: { subject: "blocked" }, value: null })),
    (e: unknown) =>
      e instanceof OvError &&
      e.code === "STALE_LOCK" &&
      e.hint === `if no git process is running, remove it: rm '${lock}'`,
  );
  rmSync(lock);
  t.diagnostic("the writer died holding the ref lock; recovered with the STALE_LOCK hint");
}
