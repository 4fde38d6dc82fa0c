// Mail benchmark: in-process send / list-unread latency against inboxes with 100, 10k and 50k
// messages of history; cold `git ov mail send|check` against `node -e 0`; 8-writer throughput to
// one inbox and to 8 inboxes. Standalone: `node --import tsx test/bench/mail.bench.ts` (builds dist/).
// Figures are measured side by side in one run; on a shared machine compare ratios, not absolutes.
import "../helpers/env.js";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { canonicalJson } from "../../src/core/json.js";
import { listUnread } from "../../src/mail/inbox.js";
import { newMessageId, sendMail } from "../../src/mail/send.js";
import type { Message } from "../../src/mail/types.js";
import { BIN, ROOT, type TempRepo, tempRepo } from "../helpers/repo.js";

const HISTORY = [100, 10_000, 50_000];
const UNREAD = 5;
const DAY = 86_400_000;

/** Writes an inbox with `history` read messages (spread over a year) and `unread` unread ones via fast-import. */
function buildInbox(repo: TempRepo, agent: string, history: number, unread: number): void {
  const now = Date.now();
  const chunks: string[] = [];
  let mark = 0;
  let prev = 0;
  const files: string[] = [];
  const add = (i: number, read: boolean) => {
    const t = now - Math.floor(((history + unread - i) / (history + unread)) * 365 * DAY);
    const id = newMessageId(t);
    const m: Message = {
      v: 1,
      id,
      from: `builder-${i % 7}`,
      to: agent,
      subject: `progress ${i}`,
      body: `step ${i} done`,
      type: "status",
      priority: "normal",
      threadId: null,
      payload: null,
      createdAt: new Date(t).toISOString(),
      seq: i + 1,
    };
    const data = Buffer.from(canonicalJson(m));
    chunks.push(`blob\nmark :${++mark}\ndata ${data.length}\n${data.toString()}\n`);
    const path = read ? `read/${m.createdAt.slice(0, 7)}/${id}.json` : `unread/${id}.json`;
    files.push(`M 100644 :${mark} ${path}`);
  };
  const commit = (last: boolean) => {
    const msg = `mail history (${files.length} messages)`;
    const from = prev ? `from :${prev}\n` : "";
    const seq = last
      ? `M 100644 inline inbox.json\ndata ${canonicalJson({ v: 1, seq: history + unread }).length}\n${canonicalJson({ v: 1, seq: history + unread })}\n`
      : "";
    chunks.push(
      `commit refs/ov/mail/${agent}\nmark :${++mark}\ncommitter git-ov <git-ov@localhost> ${Math.floor(now / 1000)} +0000\ndata ${msg.length}\n${msg}\n${from}${files.map((f) => `${f}\n`).join("")}${seq}\n`,
    );
    prev = mark;
    files.length = 0;
  };
  for (let i = 0; i < history + unread; i++) {
    add(i, i < history);
    if (files.length === 1000) commit(false);
  }
  commit(true);
  execFileSync("git", ["fast-import", "--quiet"], {
    cwd: repo.dir,
    input: chunks.join(""),
    maxBuffer: 1 << 30,
  });
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function time(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

/**
 * In-process latencies at every history size, measured round-robin across the sizes so load changes
 * on a shared machine hit every size alike (flatness is the property under test).
 */
async function inProcess(): Promise<string[]> {
  const repos = HISTORY.map(() => tempRepo({ commit: true }));
  try {
    const all = await Promise.all(
      repos.map(async (repo, i) => {
        buildInbox(repo, "lead-1", HISTORY[i]!, UNREAD);
        buildInbox(repo, "lead-2", HISTORY[i]!, UNREAD);
        const deps = await repo.deps();
        await time(5, () => listUnread(deps, "lead-2")); // warm: cat-file co-process, config cache
        await time(5, (k) =>
          sendMail(deps, { from: "operator", to: "lead-1", subject: `warm ${k}`, body: "x" }),
        );
        return deps;
      }),
    );
    const rows = HISTORY.map(() => ({
      floor: [] as number[],
      cold: [] as number[],
      list: [] as number[],
      send: [] as number[],
    }));
    for (let round = 0; round < 200; round++) {
      for (const [i, deps] of all.entries()) {
        const r = rows[i]!;
        r.send.push(
          ...(await time(1, () =>
            sendMail(deps, { from: "operator", to: "lead-1", subject: `b ${round}`, body: "hello" }),
          )),
        );
        r.list.push(...(await time(1, () => listUnread(deps, "lead-2"))));
        // A fresh deps identity has an empty parse cache but shares the cat-file co-process.
        r.cold.push(...(await time(1, () => listUnread({ ...deps }, "lead-2"))));
        r.floor.push(...(await time(1, () => deps.git.readObject("refs/ov/mail/lead-2:inbox.json"))));
      }
    }
    const line = (name: string, xs: number[]) =>
      `| ${name} | ${pct(xs, 50).toFixed(2)} | ${pct(xs, 95).toFixed(2)} |`;
    return HISTORY.flatMap((h, i) => {
      const r = rows[i]!;
      return [
        line(`send (in-process), ${h} history`, r.send),
        line(`list-unread (${UNREAD} unread), ${h} history`, r.list),
        line(`list-unread, blobs not cached, ${h} history`, r.cold),
        line(`git cat-file round trip (floor), ${h} history`, r.floor),
      ];
    });
  } finally {
    for (const r of repos) r.cleanup();
  }
}

function run(cmd: string, args: string[], cwd: string): number {
  const t = performance.now();
  const res = spawnSync(cmd, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${res.stderr}`);
  return performance.now() - t;
}

/** Cold CLI runs interleaved with `node -e 0`, so load changes hit both alike. */
function coldCli(): string[] {
  const repo = tempRepo({ commit: true });
  try {
    buildInbox(repo, "lead-2", 10_000, 0);
    const base: number[] = [];
    const version: number[] = [];
    const send: number[] = [];
    const check: number[] = [];
    for (let i = 0; i < 15; i++) {
      base.push(run(process.execPath, ["-e", "0"], repo.dir));
      version.push(run(process.execPath, [BIN, "--version"], repo.dir));
      send.push(
        run(
          process.execPath,
          [BIN, "mail", "send", "--to", "lead-2", "--subject", `c${i}`, "--body", "x"],
          repo.dir,
        ),
      );
      check.push(run(process.execPath, [BIN, "mail", "check", "--agent", "lead-2"], repo.dir));
    }
    const b = pct(base, 50);
    const row = (name: string, xs: number[]) =>
      `| ${name} | ${pct(xs, 50).toFixed(1)} | ${(pct(xs, 50) / b).toFixed(2)}× | +${(pct(xs, 50) - b).toFixed(1)} |`;
    return [
      row("node -e 0", base),
      row("git ov --version (CLI floor)", version),
      row("git ov mail send", send),
      row("git ov mail check", check),
    ];
  } finally {
    repo.cleanup();
  }
}

function worker(args: string[]): Promise<{ ids: string[]; start: number; end: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(ROOT, "test/mail/fixtures/mail-worker.ts"), ...args],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker exit ${code}`)),
    );
  });
}

async function throughput(): Promise<string[]> {
  const rows: string[] = [];
  for (const spread of [1, 8]) {
    const repo = tempRepo({ commit: true });
    try {
      const per = 100;
      const startAt = performance.timeOrigin + performance.now() + 3000; // after every worker has booted
      const boxes = Array.from({ length: spread }, (_, i) => `box-${i}`);
      const outs = await Promise.all(
        Array.from({ length: 8 }, (_, w) =>
          worker([
            "send",
            repo.dir,
            `w${w}`,
            boxes.map((_, i) => boxes[(i + w) % spread]).join(","),
            String(per),
            String(startAt),
          ]),
        ),
      );
      const total = outs.reduce((n, o) => n + o.ids.length, 0);
      const wall = Math.max(...outs.map((o) => o.end)) - Math.min(...outs.map((o) => o.start));
      rows.push(
        `| 8 writers × ${per} → ${spread} inbox${spread > 1 ? "es" : ""} | ${((total / wall) * 1000).toFixed(0)} msgs/s | ${total} delivered |`,
      );
    } finally {
      repo.cleanup();
    }
  }
  return rows;
}

/** Runs the whole benchmark and prints its tables. */
export async function main(): Promise<void> {
  execFileSync(process.execPath, [join(ROOT, "scripts/build.mjs")], { cwd: ROOT, stdio: "inherit" });
  const out: string[] = ["## mail", "", "| operation | p50 ms | p95 ms |", "|---|---|---|"];
  out.push(...(await inProcess()));
  out.push(
    "",
    "| cold CLI (median of 15) | ms | × node -e 0 | overhead ms |",
    "|---|---|---|---|",
    ...coldCli(),
  );
  out.push("", "| throughput | rate | |", "|---|---|---|", ...(await throughput()));
  process.stdout.write(`${out.join("\n")}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
