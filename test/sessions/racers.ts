import { spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../helpers/repo.js";

const RACER = join(ROOT, "test", "fixtures", "session-racer.ts");

/**
 * Starts one racer process per argv, waits until all are ready, releases them together and
 * returns each one's JSON result (in argv order).
 */
export async function race(repo: string, argvs: string[][]): Promise<unknown[]> {
  const procs = argvs.map((args) =>
    spawn(process.execPath, ["--import", "tsx", RACER, repo, ...args], {
      cwd: ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    }),
  );
  const outputs = procs.map((p) => {
    let out = "";
    let err = "";
    p.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    p.stderr.on("data", (b: Buffer) => {
      err += b.toString();
    });
    return {
      ready: new Promise<void>((resolve, reject) => {
        const check = () => {
          if (out.startsWith("ready\n")) resolve();
        };
        p.stdout.on("data", check);
        p.on("close", (code) => reject(new Error(`racer exited ${code} before ready: ${err}`)));
      }),
      done: new Promise<unknown>((resolve, reject) =>
        p.on("close", (code) => {
          const last = out.trim().split("\n").pop() ?? "";
          if (code !== 0) reject(new Error(`racer exited ${code}: ${err}`));
          else resolve(JSON.parse(last));
        }),
      ),
    };
  });
  await Promise.all(outputs.map((o) => o.ready));
  for (const p of procs) p.stdin.write("go\n");
  return Promise.all(outputs.map((o) => o.done));
}
