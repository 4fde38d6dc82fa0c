import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type TempRepo, fsck, runOv, tempRepo } from "../helpers/repo.js";
import { mailRefs } from "./helpers.js";

describe("git ov mail (CLI)", () => {
  let repo: TempRepo;
  const ov = (args: string[], opts: { env?: Record<string, string>; input?: string } = {}) =>
    runOv(args, { cwd: repo.dir, ...opts });
  const json = (s: string) => JSON.parse(s) as Record<string, unknown>;

  before(() => {
    repo = tempRepo({ commit: true });
  });
  after(() => repo.cleanup());

  it("sends with --from defaulting to $GIT_OV_AGENT and the body from stdin", async () => {
    const res = await ov(["mail", "send", "--to", "lead-1", "--subject", "hi", "--json"], {
      env: { GIT_OV_AGENT: "builder-1" },
      input: "body from stdin\n",
    });
    assert.equal(res.code, 0, res.stderr);
    const out = json(res.stdout);
    assert.equal(out.success, true);
    assert.equal(out.command, "mail send");
    assert.equal(out.recipientCount, 1);
    const id = out.id as string;
    const doc = JSON.parse(repo.git("show", `refs/ov/mail/lead-1:unread/${id}.json`));
    assert.deepEqual([doc.from, doc.body], ["builder-1", "body from stdin\n"]);
  });

  it("defaults --from to operator outside an agent, and takes --agent as the sender alias", async () => {
    const a = await ov(["mail", "send", "--to", "lead-1", "--subject", "op", "--body", "x"]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /^sent msg-\w+ to lead-1\n$/);
    const b = await ov([
      "mail",
      "send",
      "--agent",
      "scout-1",
      "--to",
      "lead-1",
      "--subject",
      "alias",
      "--body",
      "x",
    ]);
    assert.equal(b.code, 0, b.stderr);
    const senders = repo.git("log", "--format=%an", "refs/ov/mail/lead-1").split("\n");
    assert.deepEqual(senders, ["scout-1", "operator", "builder-1"]);
  });

  it("check --inject prints the batch once and marks it read; list shows it read", async () => {
    const res = await ov(["mail", "check", "--agent", "lead-1", "--inject"]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^You have 3 new messages \(oldest first\)/);
    assert.equal(res.stdout.match(/^\[MAIL \d\/3\] /gm)?.length, 3);
    assert.equal((await ov(["mail", "check", "--agent", "lead-1", "--inject"])).stdout, "");
    const list = await ov(["mail", "list", "--agent", "lead-1", "--json"]);
    const rows = list.stdout.trim().split("\n").map(json);
    assert.deepEqual(
      rows.map((r) => [r.subject, r.read]),
      [
        ["alias", true],
        ["op", true],
        ["hi", true],
      ],
    );
  });

  it("check --debounce stays silent inside the window and rejects a bad value", async () => {
    await ov(["mail", "send", "--to", "b1", "--subject", "s", "--body", ""]);
    const first = await ov(["mail", "check", "--agent", "b1", "--debounce", "60000"]);
    assert.match(first.stdout, /1 new message\(s\) for b1/);
    await ov(["mail", "send", "--to", "b1", "--subject", "s2", "--body", ""]);
    const second = await ov(["mail", "check", "--agent", "b1", "--debounce", "60000"]);
    assert.deepEqual([second.code, second.stdout], [0, ""]);
    const third = await ov(["mail", "check", "--agent", "b1", "--debounce", "0", "--json"]);
    assert.equal(json(third.stdout).count, 1);
    const bad = await ov(["mail", "check", "--agent", "b1", "--debounce", "soon"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--debounce takes a whole number >= 0, not 'soon'/);
  });

  it("read marks one message read; reply threads it back to the sender", async () => {
    const sent = json(
      (
        await ov([
          "mail",
          "send",
          "--to",
          "lead-2",
          "--from",
          "builder-7",
          "--subject",
          "Re: q",
          "--body",
          "?",
          "--json",
        ])
      ).stdout,
    );
    const id = sent.id as string;
    const read = await ov(["mail", "read", id, "--json"]);
    assert.equal(json(read.stdout).alreadyRead, false);
    assert.match((await ov(["mail", "read", id])).stdout, /^Id: +msg-/);
    const reply = await ov(["mail", "reply", id, "--body", "answer", "--json"], {
      env: { GIT_OV_AGENT: "lead-2" },
    });
    const r = json(reply.stdout);
    assert.deepEqual([r.to, r.threadId, r.subject], ["builder-7", id, "Re: q"]);
  });

  it("purges read mail and reports the count", async () => {
    const res = await ov(["mail", "purge", "--agent", "lead-1", "--json"]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(json(res.stdout).removed, 3);
    const none = await ov(["mail", "purge"]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /mail purge needs --all, --days <n> or --agent <name>/);
  });

  it("rejects bad input with one line, a non-zero exit and no writes", async () => {
    const before = mailRefs(repo);
    const cases: [string[], number, RegExp][] = [
      [["--type", "stauts"], 1, /unknown mail type 'stauts' \(did you mean 'status'\?/],
      [["--priority", "now"], 1, /unknown priority 'now'/],
      [["--subject", " "], 1, /mail subject is empty/],
      [["--to", "Bad Name"], 2, /invalid recipient 'Bad Name'/],
      [["--to", "@nobody"], 1, /unknown group address '@nobody'/],
      [["--payload", "{nope"], 1, /--payload is not valid JSON/],
      [["--payload", "[1]"], 1, /--payload must be a JSON object/],
      [["--type", "merged", "--payload", '{"branch":"b"}'], 1, /payload\.taskId is missing/],
    ];
    for (const [extra, code, pattern] of cases) {
      const args = ["mail", "send", "--to", "lead-1", "--subject", "s", "--body", "b", ...extra];
      const res = await ov(args);
      assert.equal(res.code, code, `${extra.join(" ")}: ${res.stderr}`);
      assert.match(res.stderr, pattern);
      assert.equal(res.stderr.trim().split("\n").length, 1, "one line");
      assert.equal(res.stdout, "");
    }
    const big = await ov(["mail", "send", "--to", "lead-1", "--subject", "big"], {
      input: "x".repeat(1024 * 1024 + 1),
    });
    assert.match(big.stderr, /over the 1048576-byte limit/);
    const missing = await ov(["mail", "reply", "msg-000000000missing", "--body", "x", "--json"]);
    assert.equal(missing.code, 4);
    assert.equal((json(missing.stdout).error as { code: string }).code, "NOT_FOUND");
    assert.equal(mailRefs(repo), before);
  });

  it("has help with examples for every mail command", async () => {
    const { Cli } = await import("clipanion");
    const { commands } = await import("../../src/cli/commands/mail/index.js");
    const cli = new Cli({ binaryName: "git ov", enableColors: false });
    for (const c of commands) cli.register(c);
    for (const c of commands) {
      const text = cli.usage(c, { detailed: true });
      assert.match(text, /Examples/, String(c.paths));
      assert.ok((c.usage?.examples?.length ?? 0) > 0);
    }
    const { MailListCommand } = await import("../../src/cli/commands/mail/list.js");
    assert.match(cli.usage(MailListCommand, { detailed: true }), /`--agent` is an alias of `--to`/);
    const real = await ov(["mail", "send", "--help"]);
    assert.equal(real.code, 0);
    assert.match(real.stdout, /Examples[\s\S]*git ov mail send --to lead-1/);
    assert.equal(fsck(repo), "");
  });
});
