import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isOvError } from "../../src/core/errors.js";
import type { DeliveredMail } from "../../src/mail/dispatch.js";
import { withMailDispatch } from "../../src/mail/dispatch.js";
import { listUnread } from "../../src/mail/inbox.js";
import { sendMail } from "../../src/mail/send.js";
import { parseTrailers } from "../../src/store/message.js";
import type { Deps } from "../../src/store/deps.js";
import { ManualClock } from "../../src/sys/clock.js";
import { type TempRepo, fsck, tempRepo } from "../helpers/repo.js";
import { addAgent, inboxFiles, mailRefs } from "./helpers.js";

describe("sendMail", () => {
  let repo: TempRepo;
  let deps: Deps;
  const clock = new ManualClock(Date.UTC(2026, 2, 14, 12));
  before(async () => {
    repo = tempRepo({ commit: true });
    deps = await repo.deps({ clock });
    await addAgent(deps, "lead-1", "lead");
    await addAgent(deps, "builder-1", "builder", { parent: "lead-1" });
    await addAgent(deps, "builder-done", "builder", { parent: "lead-1", state: "completed" });
    await addAgent(deps, "builder-dead", "builder", { state: "zombie" });
  });
  after(() => repo.cleanup());

  it("stores one message file in unread/ with one commit carrying the trailers", async () => {
    const res = await sendMail(deps, {
      from: "builder-1",
      to: "lead-1",
      subject: "question",
      body: "REST or RPC?",
      type: "question",
      priority: "high",
    });
    assert.deepEqual(res.recipients, ["lead-1"]);
    const id = res.ids[0]!;
    assert.match(id, /^msg-[0-9a-z]{15}$/);
    assert.deepEqual(inboxFiles(repo, "lead-1", "unread"), [`unread/${id}.json`]);
    const doc = JSON.parse(repo.git("show", `refs/ov/mail/lead-1:unread/${id}.json`));
    assert.deepEqual(doc, {
      v: 1,
      id,
      from: "builder-1",
      to: "lead-1",
      subject: "question",
      body: "REST or RPC?",
      type: "question",
      priority: "high",
      threadId: null,
      payload: null,
      createdAt: "2026-03-14T12:00:00.000Z",
      seq: 1,
    });
    const msg = repo.git("log", "-1", "--format=%B", "refs/ov/mail/lead-1");
    assert.deepEqual(parseTrailers(msg), {
      "Ov-Op": "send",
      "Ov-From": "builder-1",
      "Ov-To": "lead-1",
      "Ov-Type": "question",
      "Ov-Priority": "high",
      "Ov-Msg": id,
    });
    assert.equal(repo.git("log", "-1", "--format=%an", "refs/ov/mail/lead-1"), "builder-1");
    assert.equal(repo.git("rev-list", "--count", "refs/ov/mail/lead-1"), "1");
  });

  it("numbers arrivals per inbox so 20 sends in one millisecond deliver in order", async () => {
    for (let i = 0; i < 20; i++) {
      await sendMail(deps, { from: "operator", to: "builder-1", subject: `step ${i}`, body: "" });
    }
    const { messages } = await listUnread(deps, "builder-1");
    assert.deepEqual(
      messages.map((m) => m.subject),
      Array.from({ length: 20 }, (_, i) => `step ${i}`),
    );
    assert.deepEqual(
      messages.map((m) => m.seq),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it("refuses a completed or zombie recipient, naming the state and the fix", async () => {
    const before = mailRefs(repo);
    for (const [to, state] of [
      ["builder-done", "completed"],
      ["builder-dead", "zombie"],
    ]) {
      await assert.rejects(
        sendMail(deps, { from: "lead-1", to: to!, subject: "more", body: "" }),
        (e: unknown) => {
          assert.ok(isOvError(e));
          assert.equal(e.code, "MAIL");
          assert.match(e.message, new RegExp(`recipient '${to}' is ${state}; message not sent`));
          assert.match(e.hint ?? "", new RegExp(`git ov sling --recover ${to}`));
          return true;
        },
      );
    }
    assert.equal(mailRefs(repo), before);
  });

  it("names the parent in the refusal hint when there is one", async () => {
    await assert.rejects(
      sendMail(deps, { from: "x", to: "builder-done", subject: "s", body: "" }),
      (e: unknown) => {
        assert.ok(isOvError(e));
        assert.match(e.hint ?? "", /mail its parent instead: --to lead-1/);
        return true;
      },
    );
  });

  it("delivers to recipients without a session (operator quietly, unknown names with a warning)", async () => {
    const op = await sendMail(deps, { from: "lead-1", to: "operator", subject: "status", body: "" });
    assert.equal(op.warnings, undefined);
    const other = await sendMail(deps, { from: "lead-1", to: "buildr-1", subject: "typo", body: "" });
    assert.match(other.warnings?.[0] ?? "", /no agent named 'buildr-1'/);
    assert.equal(inboxFiles(repo, "buildr-1", "unread").length, 1);
  });

  it("delivers to a terminal recipient when a system caller asks (allowTerminal)", async () => {
    const res = await sendMail(
      deps,
      { from: "builder-done", to: "builder-done", subject: "note", body: "" },
      { allowTerminal: true },
    );
    assert.equal(res.recipients[0], "builder-done");
  });

  it("rejects bad input with one clear error and writes nothing", async () => {
    const before = mailRefs(repo);
    const ok = { from: "operator", to: "lead-1", subject: "s", body: "b" };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ type: "statuss" }, "MAIL", /unknown mail type 'statuss'/],
      [{ priority: "asap" }, "MAIL", /unknown priority 'asap'/],
      [{ subject: "  " }, "MAIL", /subject is empty/],
      [{ body: "x".repeat(2000) }, "MAIL", /2000 bytes, over the 1000-byte limit/],
      [{ to: "Lead 1" }, "INVALID_NAME", /invalid recipient 'Lead 1'/],
      [{ to: "../etc" }, "INVALID_NAME", /invalid recipient/],
      [{ to: "" }, "INVALID_NAME", /invalid recipient ''/],
      [{ from: "Bob!" }, "INVALID_NAME", /invalid sender 'Bob!'/],
      [{ threadId: "has space" }, "MAIL", /invalid thread id/],
      [{ to: "@nobody" }, "MAIL", /unknown group address '@nobody'/],
    ];
    for (const [patch, code, pattern] of cases) {
      await assert.rejects(
        sendMail(deps, { ...ok, ...patch } as never, { maxBodyBytes: 1000 }),
        (e: unknown) => {
          assert.ok(isOvError(e), String(e));
          assert.equal(e.code, code);
          assert.match(e.message, pattern);
          assert.ok(!e.message.includes("\n"), "one line");
          return true;
        },
      );
    }
    assert.equal(mailRefs(repo), before);
  });

  it("uses config mail.maxBodyBytes (1 MiB by default)", async () => {
    await assert.rejects(
      sendMail(deps, { from: "operator", to: "lead-1", subject: "big", body: "x".repeat(1024 * 1024 + 1) }),
      /over the 1048576-byte limit/,
    );
  });

  it("honours a configured mail.maxBodyBytes, which cannot go below 4 KiB", async () => {
    const { setConfig } = await import("../../src/config/config.js");
    await assert.rejects(setConfig(deps, "mail.maxBodyBytes", "100"), /must be >= 4096/);
    await setConfig(deps, "mail.maxBodyBytes", "5000");
    const fresh = await repo.deps({ clock }); // config is read once per deps
    await sendMail(fresh, { from: "operator", to: "lead-1", subject: "small", body: "x".repeat(4096) });
    await assert.rejects(
      sendMail(fresh, { from: "operator", to: "lead-1", subject: "big", body: "x".repeat(5001) }),
      /5001 bytes, over the 5000-byte limit/,
    );
    await setConfig(deps, "mail.maxBodyBytes", undefined);
  });

  it("calls the dispatch hook with the recipients after the mail landed", async () => {
    const seen: { mail: DeliveredMail; landed: number }[] = [];
    const res = await sendMail(
      deps,
      { from: "lead-1", to: "builder-1", subject: "go", body: "", type: "dispatch" },
      {
        dispatch: async (d, mail) => {
          seen.push({
            mail,
            landed: (await listUnread(d, "builder-1")).messages.filter((m) => m.id === mail.ids[0]).length,
          });
        },
      },
    );
    assert.deepEqual(seen, [
      {
        mail: {
          from: "lead-1",
          recipients: ["builder-1"],
          ids: res.ids,
          type: "dispatch",
          priority: "normal",
        },
        landed: 1,
      },
    ]);
  });

  it("uses a deps-level dispatcher, and a failing one does not fail the send", async () => {
    const d2 = withMailDispatch(await repo.deps({ clock }), async () => {
      throw new Error("turn engine down");
    });
    const res = await sendMail(d2, { from: "lead-1", to: "builder-1", subject: "hi", body: "" });
    assert.equal(res.dispatchError, "turn engine down");
    assert.ok((await listUnread(d2, "builder-1")).messages.some((m) => m.id === res.ids[0]));
  });

  it("leaves a repository that git fsck accepts", () => {
    assert.equal(fsck(repo), "");
  });
});
