import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { OvError } from "../core/errors.js";
import { childProcess } from "../sys/builtins.js";
import { gitEnv } from "./exec.js";

export interface RawObject {
  oid: string;
  type: string;
  body: Buffer;
}

interface Pending {
  resolve: (o: RawObject | undefined) => void;
  reject: (e: Error) => void;
}

/**
 * One lazily started `git cat-file --batch` co-process. Requests are pipelined: each `read` writes
 * its line at once and responses are matched in order. The process does not keep Node alive.
 */
export class CatFile {
  private child: ChildProcessWithoutNullStreams | undefined;
  private pending: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private readonly cwd: string;

  constructor(cwd: string) {
    this.cwd = cwd;
  }

  /** Reads an object by oid or `<rev>:<path>`; undefined when missing. */
  read(spec: string): Promise<RawObject | undefined> {
    if (/[\n\r]/.test(spec)) return Promise.reject(new OvError("INTERNAL", "object spec contains a newline"));
    const child = this.ensure();
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      if (this.pending.length === 1) refStream(child, true);
      child.stdin.write(`${spec}\n`);
    });
  }

  close(): void {
    if (this.child) {
      this.child.stdin.end();
      this.child = undefined;
    }
  }

  private ensure(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = childProcess().spawn("git", ["cat-file", "--batch"], {
      cwd: this.cwd,
      env: gitEnv(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.stdout.on("data", (b: Buffer) => this.onData(b));
    child.on("error", (e) => this.failAll(e));
    child.on("close", () => {
      if (this.child === child) this.child = undefined;
      this.failAll(new OvError("GIT_FAILED", "git cat-file --batch exited"));
    });
    child.stdin.on("error", () => {
      /* reported through close */
    });
    child.unref();
    refStream(child, false);
    this.child = child;
    return child;
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const nl = this.buf.indexOf(0x0a);
      if (nl < 0) return;
      const header = this.buf.toString("utf8", 0, nl);
      if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
        this.buf = this.buf.subarray(nl + 1);
        this.settle(undefined);
        continue;
      }
      const [oid, type, sizeText] = header.split(" ");
      const size = Number(sizeText);
      if (!oid || !type || !Number.isFinite(size)) {
        this.failAll(new OvError("GIT_FAILED", `unexpected cat-file output: ${header}`));
        return;
      }
      if (this.buf.length < nl + 1 + size + 1) return;
      const body = Buffer.from(this.buf.subarray(nl + 1, nl + 1 + size));
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      this.settle({ oid, type, body });
    }
  }

  private settle(o: RawObject | undefined): void {
    const p = this.pending.shift();
    if (this.pending.length === 0 && this.child) refStream(this.child, false);
    p?.resolve(o);
  }

  private failAll(e: Error): void {
    const all = this.pending;
    this.pending = [];
    for (const p of all) p.reject(e);
  }
}

/** Keeps Node alive only while a response is awaited. */
function refStream(child: ChildProcessWithoutNullStreams, on: boolean): void {
  const s = child.stdout as unknown as { ref?: () => void; unref?: () => void };
  if (on) s.ref?.();
  else s.unref?.();
}
