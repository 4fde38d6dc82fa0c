import { MERGE_DOCUMENT_KINDS } from "../merge/doctor.js";
import type { Deps } from "../store/deps.js";
import type { DocProblem } from "../store/store.js";

/** A document family doctor validates: every ref under `prefix`. Domain modules add theirs here. */
export interface DocumentKind {
  name: string;
  prefix: string;
  check(deps: Deps): Promise<DocProblem[]>;
}

export const DOCUMENT_KINDS: DocumentKind[] = [...MERGE_DOCUMENT_KINDS];
