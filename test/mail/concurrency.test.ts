import "../helpers/env.js";
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { listUnread } from "../../src/mail/inbox.js";
import { listMail } from "../../src/mail/list.js";
import type { Deps } from "../../src/store/deps.js";
import { ROOT, type TempRepo, fsck, tempRepo } from "../helpers/repo.js";

const WORKER = join(ROOT, "test/mail/fixtures/mail-worker.ts");

/** A warm worker process (tsx started once) that runs commands sent as JSON lines. */
class Worker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((line: string) => void)[] = [];
  private err = "";
  constructor(repo: string) {
    this.child = spawn(process.execPath, ["--import", "tsx", WORKER, "serve", repo], { cwd: ROOT });
    createInterface({ input: this.child.stdout }).on("line", (l) => this.waiting.shift()?.(l));
    this.child.stderr.on("data", (d: Buffer) => {
      this.err += d.toString();
    });
    this.child.on("close", (code) => {
      if (code !== 0)
        for (const w of this.waiting.splice(0)) w(JSON.stringify({ error: `worker ${code}: ${this.err}` }));
    });
  }
  run(cmd: Record<string, unknown>): Promise<Record<string, string[]>> {
    return new Promise((resolve, reject) => {
      this.waiting.push((line) => {
        const out = JSON.parse(line) as Record<string, string[]> & { error?: string };
        if (out.error) reject(new Error(out.error));
        else resolve(out);
      });
      this.child.stdin.write(`${JSON.stringify(cmd)}\n`);
    });
  }
  close(): void {
    this.child.stdin.end();
  }
}

const WRITERS = 8;
const PER_WRITER = 200;

describe("mail under concurrency (real processes)", { timeout: 600_000 }, () => {
  let repo: TempRepo;
  let deps: Deps;
  let workers: Worker[];
  before(async () => {
    repo = tempRepo({ commit: true });
    deps = await repo.deps();
    workers = Array.from({ length: WRITERS }, () => new Worker(repo.dir));
  });
  after(() => {
    for (const w of workers) w.close();
    repo.cleanup();
  });

  it(`${WRITERS} processes × ${PER_WRITER} sends to one inbox: every message exactly once, in commit order`, async () => {
    const outs = await Promise.all(
      workers.map((wk, w) => wk.run({ op: "send", from: `w${w}`, to: ["sink"], count: PER_WRITER })),
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
      workers.map((wk, w) =>
        wk.run({
          op: "send",
          from: `v${w}`,
          to: [...inboxes.slice(w), ...inboxes.slice(0, w)],
          count: PER_WRITER,
        }),
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
    const ackers = workers.slice(4, 6).map((wk) => wk.run({ op: "ack", agent: "busy", doneFile }));
    const senders = await Promise.all(
      workers.slice(0, 4).map((wk, w) => wk.run({ op: "send", from: `s${w}`, to: ["busy"], count: 100 })),
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
