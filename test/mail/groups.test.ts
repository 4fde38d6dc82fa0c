import "../helpers/env.js";
import assert from "node:assert/strict";
import { closeSync, openSync, rmSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { isOvError } from "../../src/core/errors.js";
import { GROUP_ADDRESSES, resolveGroup } from "../../src/mail/groups.js";
import { listUnread } from "../../src/mail/inbox.js";
import { sendMail } from "../../src/mail/send.js";
import type { Deps } from "../../src/store/deps.js";
import { DocStore } from "../../src/store/store.js";
import { systemClock } from "../../src/sys/clock.js";
import { type TempRepo, fsck, tempRepo } from "../helpers/repo.js";
import { addAgent, inboxFiles, mailRefs, setCurrentRun } from "./helpers.js";

describe("group addresses", () => {
  let repo: TempRepo;
  let deps: Deps;
  before(async () => {
    repo = tempRepo({ commit: true });
    deps = await repo.deps();
    await addAgent(deps, "coordinator", "coordinator", { runId: null });
    await addAgent(deps, "lead-1", "lead", { runId: "run-1" });
    await addAgent(deps, "builder-1", "builder", { runId: "run-1", parent: "lead-1" });
    await addAgent(deps, "builder-2", "builder", { runId: "run-1", parent: "lead-1", state: "stalled" });
    await addAgent(deps, "builder-3", "builder", { runId: "run-1", state: "completed" });
    await addAgent(deps, "builder-old", "builder", { runId: "run-0" });
    await addAgent(deps, "scout-1", "scout", { runId: "run-1", state: "booting" });
  });
  after(() => repo.cleanup());

  it("without a current run, resolves every active session minus the sender", async () => {
    assert.deepEqual((await resolveGroup(deps, "@all", "lead-1")).sort(), [
      "builder-1",
      "builder-2",
      "builder-old",
      "coordinator",
      "scout-1",
    ]);
  });

  it("with a current run, keeps that run's sessions and run-less ones (a coordinator)", async () => {
    await setCurrentRun(deps, "run-1");
    assert.deepEqual((await resolveGroup(deps, "@all", "operator")).sort(), [
      "builder-1",
      "builder-2",
      "coordinator",
      "lead-1",
      "scout-1",
    ]);
  });

  it("resolves capability groups, singular or plural, in any case", async () => {
    for (const g of ["@builders", "@builder", "@BUILDERS", "@Builder"]) {
      assert.deepEqual((await resolveGroup(deps, g, "operator")).sort(), ["builder-1", "builder-2"]);
    }
    assert.deepEqual(await resolveGroup(deps, "@leads", "operator"), ["lead-1"]);
  });

  it("errors on zero recipients and on an unknown group, listing the valid groups", async () => {
    await assert.rejects(resolveGroup(deps, "@leads", "lead-1"), /'@leads' resolved to zero recipients/);
    await assert.rejects(resolveGroup(deps, "@mergers", "operator"), /zero recipients/);
    await assert.rejects(resolveGroup(deps, "@builderz", "operator"), (e: unknown) => {
      assert.ok(isOvError(e));
      assert.match(e.message, /unknown group address '@builderz'/);
      assert.match(e.hint ?? "", /did you mean '@builders'\?/);
      for (const g of GROUP_ADDRESSES) assert.ok(e.hint?.includes(g), g);
      return true;
    });
  });

  it("delivers a copy to every member in one shared thread, one commit per inbox", async () => {
    const res = await sendMail(deps, {
      from: "lead-1",
      to: "@Builders",
      subject: "rebase",
      body: "main moved",
    });
    assert.deepEqual(res.recipients.sort(), ["builder-1", "builder-2"]);
    const copies = await Promise.all(
      res.recipients.map(async (r) => (await listUnread(deps, r)).messages[0]!),
    );
    assert.deepEqual(new Set(copies.map((m) => m.id)), new Set(res.ids));
    for (const m of copies) {
      assert.equal(m.threadId, res.ids[0]);
      assert.equal(m.group, "@builders");
      assert.equal(m.from, "lead-1");
    }
    const trailers = repo.git(
      "log",
      "-1",
      "--format=%(trailers:key=Ov-Group,valueonly)",
      "refs/ov/mail/builder-1",
    );
    assert.equal(trailers, "@builders");
  });

  it("is atomic: a recipient whose ref is locked gets nothing and neither does anyone else", async () => {
    const lock = join(deps.repo.commonDir, "refs/ov/mail/builder-2.lock");
    closeSync(openSync(lock, "w"));
    const old = new Date(Date.now() - 120_000);
    utimesSync(lock, old, old);
    const before = mailRefs(repo);
    try {
      await assert.rejects(
        sendMail(deps, { from: "operator", to: "@builders", subject: "s", body: "" }),
        (e: unknown) => isOvError(e) && e.code === "STALE_LOCK",
      );
      // A fresh lock (a writer mid-update) that outlasts the retry deadline: CAS_CONFLICT, still nothing.
      utimesSync(lock, new Date(), new Date());
      const impatient: Deps = {
        ...deps,
        store: new DocStore(deps.git, { clock: systemClock, retry: { stallMs: 200, maxWaitMs: 200 } }),
      };
      await assert.rejects(
        sendMail(impatient, { from: "operator", to: "@all", subject: "s", body: "" }),
        (e: unknown) => isOvError(e) && e.code === "CAS_CONFLICT",
      );
    } finally {
      rmSync(lock);
    }
    assert.equal(mailRefs(repo), before, "no inbox moved");
    assert.equal(inboxFiles(repo, "builder-1", "unread").length, 1);
  });

  /** A store whose transactions see one recipient's inbox move after reading it, `times` times. */
  function racingStore(base: DocStore, other: Deps, times: number): DocStore {
    let n = 0;
    const store = Object.create(base) as DocStore;
    store.transact = (refs, op) =>
      base.transact.call(store, refs, async (drafts, tips) => {
        const out = await op(drafts, tips);
        if (n++ < times)
          await sendMail(other, { from: "operator", to: "builder-2", subject: `interloper ${n}`, body: "" });
        return out;
      }) as never;
    return store;
  }

  it("retries when a recipient's inbox moves mid-transaction; nothing is lost or doubled", async () => {
    const other = await repo.deps();
    const racing: Deps = { ...deps, store: racingStore(deps.store, other, 2) };
    const res = await sendMail(racing, { from: "operator", to: "@builders", subject: "race", body: "" });
    assert.equal(res.recipients.length, 2);
    for (const b of ["builder-1", "builder-2"]) {
      const subjects = (await listUnread(deps, b)).messages.map((m) => m.subject);
      assert.equal(subjects.filter((s) => s === "race").length, 1, b);
    }
    const b2 = (await listUnread(deps, "builder-2")).messages.map((m) => m.subject);
    assert.deepEqual(b2.slice(-3), ["interloper 1", "interloper 2", "race"], "arrival order = commit order");
  });

  it("writes to no recipient when one recipient's inbox keeps moving past the deadline", async () => {
    const other = await repo.deps();
    const impatient = new DocStore(deps.git, { clock: systemClock, retry: { stallMs: 150, maxWaitMs: 150 } });
    const racing: Deps = { ...deps, store: racingStore(impatient, other, Number.POSITIVE_INFINITY) };
    const b1 = repo.git("rev-parse", "refs/ov/mail/builder-1");
    await assert.rejects(
      sendMail(racing, { from: "operator", to: "@builders", subject: "never", body: "" }),
      (e: unknown) => isOvError(e) && e.code === "CAS_CONFLICT",
    );
    assert.equal(repo.git("rev-parse", "refs/ov/mail/builder-1"), b1, "builder-1 untouched");
    const b2 = (await listUnread(deps, "builder-2")).messages.map((m) => m.subject);
    assert.ok(!b2.includes("never"));
    assert.equal(fsck(repo), "");
  });
});
