import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../helpers/repo.js";

const RACER = join(ROOT, "test", "fixtures", "session-racer.ts");

/** A warm racer process: `send` writes one command and resolves with its one-line JSON answer. */
export interface Racer {
  send(cmd: Record<string, unknown>): Promise<unknown>;
  stop(): Promise<void>;
}

function startRacer(repo: string): Promise<Racer> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ["--import", "tsx", RACER, repo], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let buf = "";
  let stderr = "";
  const waiting: ((line: string) => void)[] = [];
  child.stderr.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  child.stdout.on("data", (b: Buffer) => {
    buf += b.toString();
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      waiting.shift()?.(line);
    }
  });
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const next = () =>
    new Promise<string>((resolve, reject) => {
      waiting.push(resolve);
      void exited.then(() => reject(new Error(`racer exited: ${stderr}`)));
    });
  const racer: Racer = {
    async send(cmd) {
      const answer = next();
      child.stdin.write(`${JSON.stringify(cmd)}\n`);
      const out = JSON.parse(await answer) as { error?: string };
      if (out.error) throw new Error(`racer failed: ${out.error}`);
      return out;
    },
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
  return next().then((line) => {
    if (line !== "ready") throw new Error(`racer said ${line}: ${stderr}`);
    return racer;
  });
}

/** Starts `n` racer processes on `repo` and waits until every one is ready. */
export function startRacers(repo: string, n: number): Promise<Racer[]> {
  return Promise.all(Array.from({ length: n }, () => startRacer(repo)));
}

/** Sends each racer its command at once (all are warm, so they really race) and returns the answers in order. */
export function race(racers: readonly Racer[], cmds: readonly Record<string, unknown>[]): Promise<unknown[]> {
  return Promise.all(cmds.map((c, i) => racers[i]!.send(c)));
}
