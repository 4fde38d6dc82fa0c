import "../helpers/env.js";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { listUnread } from "../../src/mail/inbox.js";
import { listMail } from "../../src/mail/list.js";
import type { Deps } from "../../src/store/deps.js";
import { ROOT, type TempRepo, fsck, tempRepo } from "../helpers/repo.js";

const WORKER = join(ROOT, "test/mail/fixtures/mail-worker.ts");

/** Runs the worker as a real process; resolves with its JSON line. */
function worker(args: string[]): Promise<Record<string, string[]>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.on("close", (code) =>
      code === 0
        ? resolve(JSON.parse(out) as Record<string, string[]>)
        : reject(new Error(`worker ${code}: ${err}`)),
    );
  });
}

const WRITERS = 8;
const PER_WRITER = 200;

describe("mail under concurrency (real processes)", { timeout: 600_000 }, () => {
  let repo: TempRepo;
  let deps: Deps;
  before(async () => {
    repo = tempRepo({ commit: true });
    deps = await repo.deps();
  });
  after(() => repo.cleanup());

  it(`${WRITERS} processes × ${PER_WRITER} sends to one inbox: every message exactly once, in commit order`, async () => {
    const outs = await Promise.all(
      Array.from({ length: WRITERS }, (_, w) =>
        worker(["send", repo.dir, `w${w}`, "sink", String(PER_WRITER)]),
      ),
    );
    const sent = outs.flatMap((o) => o.ids!);
    assert.equal(new Set(sent).size, WRITERS * PER_WRITER);
    const { messages, problems } = await listUnread(deps, "sink");
    assert.deepEqual(problems, []);
    assert.deepEqual(new Set(messages.map((m) => m.id)), new Set(sent));
    assert.equal(messages.length, sent.length, "no duplicates");
    assert.deepEqual(
      messages.map((m) => m.seq),
      Array.from({ length: sent.length }, (_, i) => i + 1),
      "arrival numbers 1..n without gaps or repeats",
    );
    // Each writer's own messages arrive in the order it sent them.
    for (let w = 0; w < WRITERS; w++) {
      const mine = messages.filter((m) => m.from === `w${w}`).map((m) => m.subject);
      assert.deepEqual(
        mine,
        Array.from({ length: PER_WRITER }, (_, i) => `w${w} #${i}`),
      );
    }
    assert.equal(
      repo.git("rev-list", "--count", "refs/ov/mail/sink"),
      String(sent.length),
      "one commit per send",
    );
  });

  it(`${WRITERS} processes × ${PER_WRITER} sends spread over 8 inboxes: every message exactly once`, async () => {
    const inboxes = Array.from({ length: 8 }, (_, i) => `box-${i}`);
    const outs = await Promise.all(
      Array.from({ length: WRITERS }, (_, w) =>
        worker([
          "send",
          repo.dir,
          `v${w}`,
          [...inboxes.slice(w), ...inboxes.slice(0, w)].join(","),
          String(PER_WRITER),
        ]),
      ),
    );
    const sent = outs.flatMap((o) => o.ids!);
    const got = (await Promise.all(inboxes.map((b) => listUnread(deps, b)))).flatMap((i) =>
      i.messages.map((m) => m.id),
    );
    assert.equal(got.length, sent.length);
    assert.deepEqual(new Set(got), new Set(sent));
  });

  it("concurrent acks and sends never lose an ack or a message", async () => {
    const doneFile = join(repo.dir, ".senders-done");
    const ackers = [worker(["ack", repo.dir, "busy", doneFile]), worker(["ack", repo.dir, "busy", doneFile])];
    const senders = await Promise.all(
      Array.from({ length: 4 }, (_, w) => worker(["send", repo.dir, `s${w}`, "busy", "100"])),
    );
    writeFileSync(doneFile, "");
    const acks = await Promise.all(ackers);
    const sent = senders.flatMap((o) => o.ids!);
    const acked = acks.flatMap((o) => o.acked!);
    assert.equal(acked.length, new Set(acked).size, "no message acked twice");
    assert.deepEqual(new Set(acked), new Set(sent), "every message acked");
    assert.deepEqual((await listUnread(deps, "busy")).messages, [], "nothing left unread");
    const read = (await listMail(deps, { to: "busy" })).messages;
    assert.equal(read.length, sent.length);
    assert.ok(read.every((m) => m.read));
    assert.equal(fsck(repo), "");
  });
});
