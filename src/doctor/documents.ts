import type { Deps } from "../store/deps.js";
import type { DocProblem } from "../store/store.js";

/** A document family doctor validates: every ref under `prefix`. Domain modules add theirs here. */
export interface DocumentKind {
  name: string;
  prefix: string;
  check(deps: Deps): Promise<DocProblem[]>;
}

export const DOCUMENT_KINDS: DocumentKind[] = [
  {
    name: "mail",
    prefix: "refs/ov/mail/",
    check: async (deps) => (await import("../mail/doctor.js")).checkMailDocuments(deps),
  },
];
