/** Process exit codes shared by every command. */
export const EXIT = {
  /** Success, nothing to report. */
  OK: 0,
  /** The command ran and found something (findings, tampering, a failed check). */
  FINDINGS: 1,
  /** Bad usage or a runtime error. */
  ERROR: 2,
} as const;
