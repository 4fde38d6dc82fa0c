/**
 * The one error type of git ov. `code` is stable (documented in docs/errors.md); `data` is structured
 * context; `hint` is the one-line fix shown to the user.
 */
export type OvErrorCode =
  | "USAGE"
  | "NOT_A_REPO"
  | "NOT_INITIALIZED"
  | "INVALID_NAME"
  | "INVALID_DOCUMENT"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "CAS_CONFLICT"
  | "STALE_LOCK"
  | "LOCKED"
  | "GIT_FAILED"
  | "GIT_TOO_OLD"
  | "READ_ONLY"
  | "CONFIG"
  | "MAIL"
  | "SESSION"
  | "ILLEGAL_TRANSITION"
  | "HIERARCHY"
  | "AGENT"
  | "WORKTREE"
  | "RUNTIME"
  | "TURN"
  | "MERGE"
  | "GROUP"
  | "GUARD"
  | "INTERNAL";

export class OvError extends Error {
  readonly code: OvErrorCode;
  readonly data: Readonly<Record<string, unknown>>;
  readonly hint: string | undefined;

  constructor(
    code: OvErrorCode,
    message: string,
    opts: { data?: Record<string, unknown>; hint?: string; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "OvError";
    this.code = code;
    this.data = opts.data ?? {};
    this.hint = opts.hint;
  }

  /** The JSON shape used in `--json` error output. */
  toJSON(): { code: OvErrorCode; message: string; hint?: string; data: Record<string, unknown> } {
    const out: { code: OvErrorCode; message: string; hint?: string; data: Record<string, unknown> } = {
      code: this.code,
      message: this.message,
      data: { ...this.data },
    };
    if (this.hint !== undefined) out.hint = this.hint;
    return out;
  }
}

/** Exit codes by error class; see docs/errors.md. */
export function exitCodeFor(code: OvErrorCode): number {
  switch (code) {
    case "USAGE":
    case "INVALID_NAME":
      return 2;
    case "NOT_A_REPO":
    case "NOT_INITIALIZED":
    case "GIT_TOO_OLD":
      return 3;
    case "NOT_FOUND":
      return 4;
    case "CAS_CONFLICT":
    case "STALE_LOCK":
    case "LOCKED":
      return 5;
    case "INVALID_DOCUMENT":
      return 6;
    default:
      return 1;
  }
}

export function isOvError(e: unknown): e is OvError {
  return e instanceof OvError;
}

export function assertNever(x: never, what = "value"): never {
  throw new OvError("INTERNAL", `unexpected ${what}: ${JSON.stringify(x)}`);
}

/** Message of any thrown value, for wrapping. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
