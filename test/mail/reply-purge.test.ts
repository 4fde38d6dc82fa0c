import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ackMessages, listUnread } from "../../src/mail/inbox.js";
import { listMail } from "../../src/mail/list.js";
import { purgeMail } from "../../src/mail/purge.js";
import { readMessage } from "../../src/mail/read.js";
import { replySubject, replyTo } from "../../src/mail/reply.js";
import { sendMail } from "../../src/mail/send.js";
import type { Deps } from "../../src/store/deps.js";
import { ManualClock } from "../../src/sys/clock.js";
import { type TempRepo, fsck, tempRepo } from "../helpers/repo.js";
import { mailRefs } from "./helpers.js";

const DAY = 86_400_000;

describe("replyTo", () => {
  let repo: TempRepo;
  let deps: Deps;
  before(async () => {
    repo = tempRepo({ commit: true });
    deps = await repo.deps();
  });
  after(() => repo.cleanup());

  it("routes, threads and titles replies like the reference (minus stacked Re:)", async () => {
    const q = await sendMail(deps, {
      from: "builder-1",
      to: "lead-1",
      subject: "API shape?",
      body: "REST?",
      type: "question",
      priority: "high",
    });
    const qid = q.ids[0]!;
    const r1 = await replyTo(deps, qid, "yes", "lead-1");
    assert.deepEqual([r1.to, r1.threadId, r1.subject], ["builder-1", qid, "Re: API shape?"]);
    const m1 = (await readMessage(deps, r1.ids[0]!)).message;
    assert.deepEqual([m1.type, m1.priority, m1.payload, m1.threadId], ["question", "high", null, qid]);
    // The original sender replying goes to the original recipient.
    const r2 = await replyTo(deps, qid, "also…", "builder-1");
    assert.equal(r2.to, "lead-1");
    // A third party's reply goes to the original sender; replying to a reply keeps the thread.
    const r3 = await replyTo(deps, r1.ids[0]!, "me too", "reviewer-1");
    assert.deepEqual([r3.to, r3.threadId, r3.subject], ["lead-1", qid, "Re: API shape?"]);
  });

  it("never stacks Re: prefixes", () => {
    assert.equal(replySubject("x"), "Re: x");
    assert.equal(replySubject("Re: x"), "Re: x");
    assert.equal(replySubject("RE: re:Re:  x"), "Re: x");
    assert.equal(replySubject("Regarding x"), "Re: Regarding x");
  });

  it("answers a protocol message with a status (or the requested type), never a protocol signal", async () => {
    const done = await sendMail(deps, {
      from: "builder-2",
      to: "lead-1",
      subject: "done",
      body: "",
      type: "worker_done",
      payload: { taskId: "t", branch: "b", exitCode: 0, filesModified: [] },
    });
    const r = await replyTo(deps, done.ids[0]!, "thanks", "lead-1");
    assert.equal((await readMessage(deps, r.ids[0]!)).message.type, "status");
    const r2 = await replyTo(deps, done.ids[0]!, "why?", "lead-1", { type: "question" });
    assert.equal((await readMessage(deps, r2.ids[0]!)).message.type, "question");
  });

  it("errors on a missing id and writes nothing", async () => {
    const before = mailRefs(repo);
    await assert.rejects(
      replyTo(deps, "msg-000000000missing", "x", "lead-1"),
      /no message 'msg-000000000missing'/,
    );
    assert.equal(mailRefs(repo), before);
  });
});

describe("purgeMail", () => {
  let repo: TempRepo;
  let deps: Deps;
  const clock = new ManualClock(Date.UTC(2026, 0, 10));
  const ids: Record<string, string> = {};
  const send = async (key: string, from: string, to: string) => {
    ids[key] = (await sendMail(deps, { from, to, subject: key, body: "" })).ids[0]!;
  };
  const subjects = async () => (await listMail(deps)).messages.map((m) => m.subject).sort();

  before(async () => {
    repo = tempRepo({ commit: true });
    deps = await repo.deps({ clock });
    await send("old-read", "x", "a");
    await send("old-unread", "x", "a");
    await send("old-from-b", "b", "c");
    clock.advance(40 * DAY); // February
    await send("new-read", "x", "a");
    await send("new-unread", "b", "a");
    await ackMessages(deps, "a", [ids["old-read"]!, ids["new-read"]!]);
    await ackMessages(deps, "c", [ids["old-from-b"]!]);
  });
  after(() => repo.cleanup());

  it("needs a condition and a positive --days", async () => {
    await assert.rejects(purgeMail(deps, {}), /needs --all, --days <n> or --agent <name>/);
    await assert.rejects(purgeMail(deps, { days: 0 }), /--days must be a positive number/);
  });

  it("--days removes only read mail older than the cutoff, keeping unread", async () => {
    const res = await purgeMail(deps, { days: 30 });
    assert.deepEqual(res, { removed: 2, inboxes: ["a", "c"] });
    assert.deepEqual(await subjects(), ["new-read", "new-unread", "old-unread"]);
    const log = repo.git("log", "-1", "--format=%s%n%(trailers:key=Ov-Op,key=Ov-Count)", "refs/ov/mail/a");
    assert.equal(log, "mail purge a: 1 message removed\nOv-Op: purge\nOv-Count: 1");
  });

  it("--agent matches mail to or from the agent; --all includes unread; inbox.json survives", async () => {
    assert.deepEqual(await purgeMail(deps, { agent: "b", all: true }), { removed: 1, inboxes: ["a"] });
    assert.deepEqual(await subjects(), ["new-read", "old-unread"]);
    await purgeMail(deps, { all: true });
    assert.deepEqual(await subjects(), []);
    await sendMail(deps, { from: "x", to: "a", subject: "after", body: "" });
    assert.equal((await listUnread(deps, "a")).messages[0]?.seq, 5, "arrival numbers continue");
    assert.equal(fsck(repo), "");
  });
});
