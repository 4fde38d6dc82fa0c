import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isOvError } from "../../src/core/errors.js";
import { checkMailDocuments } from "../../src/mail/doctor.js";
import { ackMessages, checkMail, listUnread } from "../../src/mail/inbox.js";
import { listMail } from "../../src/mail/list.js";
import { markRead, readMessage } from "../../src/mail/read.js";
import { sendMail } from "../../src/mail/send.js";
import type { Deps } from "../../src/store/deps.js";
import { ManualClock } from "../../src/sys/clock.js";
import { type TempRepo, fsck, tempRepo } from "../helpers/repo.js";
import { inboxFiles } from "./helpers.js";

describe("inbox", () => {
  let repo: TempRepo;
  let deps: Deps;
  const clock = new ManualClock(Date.UTC(2026, 0, 31, 23, 59));
  const send = (to: string, subject: string, extra: Record<string, unknown> = {}) =>
    sendMail(deps, { from: "operator", to, subject, body: `body of ${subject}`, ...extra });

  before(async () => {
    repo = tempRepo({ commit: true });
    deps = await repo.deps({ clock });
  });
  after(() => repo.cleanup());

  it("lists nothing for an inbox that does not exist", async () => {
    const inbox = await listUnread(deps, "nobody");
    assert.deepEqual(inbox, {
      agent: "nobody",
      ref: "refs/ov/mail/nobody",
      tip: undefined,
      messages: [],
      problems: [],
    });
  });

  it("acks by moving the same blob to read/<yyyy-mm of creation>/, idempotently", async () => {
    const { ids } = await send("a1", "january");
    clock.advance(120_000); // now February: the read/ month follows creation, not the ack
    const id = ids[0]!;
    const blob = repo.git("rev-parse", `refs/ov/mail/a1:unread/${id}.json`);
    const first = await ackMessages(deps, "a1", [id]);
    assert.deepEqual([first.acked, first.missing], [[id], []]);
    assert.equal(repo.git("rev-parse", `refs/ov/mail/a1:read/2026-01/${id}.json`), blob);
    assert.deepEqual(inboxFiles(repo, "a1", "unread"), []);
    const tip = repo.git("rev-parse", "refs/ov/mail/a1");
    const again = await ackMessages(deps, "a1", [id, "msg-000000000nothere"]);
    assert.deepEqual(
      [again.acked, again.missing, again.commit],
      [[], [id, "msg-000000000nothere"], undefined],
    );
    assert.equal(repo.git("rev-parse", "refs/ov/mail/a1"), tip, "no commit for a no-op ack");
    const log = repo.git("log", "-1", "--format=%s%n%(trailers:key=Ov-Op,key=Ov-Msg)", "refs/ov/mail/a1");
    assert.equal(log, `mail ack a1: 1 message read\nOv-Op: ack\nOv-Msg: ${id}`);
  });

  it("lists the same whether the inbox objects are loose or packed", async () => {
    await send("a5", "one");
    await send("a5", "two");
    const loose = await listUnread({ ...deps }, "a5");
    repo.git("repack", "-a", "-d", "-q");
    repo.git("prune-packed");
    const packed = await listUnread({ ...deps }, "a5");
    assert.deepEqual(packed.messages, loose.messages);
    assert.deepEqual(
      packed.messages.map((m) => m.subject),
      ["one", "two"],
    );
  });

  it("rejects an ack id that could escape the inbox tree", async () => {
    await assert.rejects(ackMessages(deps, "a1", ["../../x"]), /not a message id/);
  });

  it("checkMail returns unread oldest-first and marks exactly those read", async () => {
    await send("a2", "one");
    await send("a2", "two");
    const checked = await checkMail(deps, "a2");
    assert.deepEqual(
      checked.messages.map((m) => m.subject),
      ["one", "two"],
    );
    await send("a2", "three");
    assert.deepEqual(
      (await listUnread(deps, "a2")).messages.map((m) => m.subject),
      ["three"],
    );
    assert.deepEqual(
      (await checkMail(deps, "a2")).messages.map((m) => m.subject),
      ["three"],
    );
    assert.deepEqual((await checkMail(deps, "a2")).messages, []);
  });

  it("reports a corrupt message file (ref, commit, path) and still lists the others", async () => {
    await send("a3", "good");
    await deps.store.update("refs/ov/mail/a3", async (draft) => {
      await draft.write("unread/msg-0000000000corrupt.json", "{not json");
      await draft.writeJson("unread/msg-0000000000misnamed.json", { v: 1, id: "msg-other" });
      return { write: { subject: "garbage" }, value: undefined };
    });
    const tip = repo.git("rev-parse", "refs/ov/mail/a3");
    const inbox = await listUnread(deps, "a3");
    assert.deepEqual(
      inbox.messages.map((m) => m.subject),
      ["good"],
    );
    assert.deepEqual(inbox.problems.map((p) => [p.ref, p.commit, p.path]).sort(), [
      ["refs/ov/mail/a3", tip, "unread/msg-0000000000corrupt.json"],
      ["refs/ov/mail/a3", tip, "unread/msg-0000000000misnamed.json"],
    ]);
    assert.match(inbox.problems.find((p) => p.path.includes("corrupt"))!.problem, /not JSON/);
    const doctor = await checkMailDocuments(deps);
    assert.equal(doctor.length, 2);
    const listed = await listMail(deps, { to: "a3" });
    assert.deepEqual([listed.messages.length, listed.problems.length], [1, 2]);
  });

  it("readMessage finds a message in any inbox without changing it; markRead acks it once", async () => {
    const { ids } = await send("a4", "find me");
    const id = ids[0]!;
    const found = await readMessage(deps, id);
    assert.deepEqual([found.agent, found.read, found.message.subject], ["a4", false, "find me"]);
    assert.equal(inboxFiles(repo, "a4", "unread").length, 1);
    assert.equal((await markRead(deps, id)).alreadyRead, false);
    assert.equal((await markRead(deps, id)).alreadyRead, true);
    assert.equal((await readMessage(deps, id, { agent: "a4" })).read, true);
    await assert.rejects(readMessage(deps, "msg-0000000000nothere"), (e: unknown) => {
      assert.ok(isOvError(e));
      assert.equal(e.code, "NOT_FOUND");
      return true;
    });
  });

  it("listMail filters by from, to, unread and type, newest first, with a limit", async () => {
    clock.advance(1000);
    await sendMail(deps, { from: "lead-9", to: "b9", subject: "q1", body: "", type: "question" });
    clock.advance(1000);
    await sendMail(deps, { from: "lead-9", to: "b8", subject: "s1", body: "" });
    clock.advance(1000);
    await sendMail(deps, { from: "lead-9", to: "b9", subject: "q2", body: "", type: "question" });
    await checkMail(deps, "b9");
    clock.advance(1000);
    await sendMail(deps, { from: "other", to: "b9", subject: "q3", body: "", type: "question" });
    const subjects = async (f: Parameters<typeof listMail>[1]) =>
      (await listMail(deps, f)).messages.map((m) => m.subject);
    assert.deepEqual(await subjects({ from: "lead-9" }), ["q2", "s1", "q1"]);
    assert.deepEqual(await subjects({ to: "b9" }), ["q3", "q2", "q1"]);
    assert.deepEqual(await subjects({ to: "b9", unread: true }), ["q3"]);
    assert.deepEqual(await subjects({ from: "lead-9", type: "question", limit: 1 }), ["q2"]);
    assert.deepEqual(await subjects({ type: "question", limit: 2 }), ["q3", "q2"]);
    const listed = await listMail(deps, { to: "b9", limit: 3 });
    assert.deepEqual(
      listed.messages.map((m) => m.read),
      [false, true, true],
    );
    assert.equal(fsck(repo), "");
  });
});
