// GitHub's documented size limits, in one place.

/** Issue and comment bodies over this many characters are rejected with 422. */
export const BODY_LIMIT = 65_536;
/** The job summary keeps at most 1 MiB per step. */
export const STEP_SUMMARY_LIMIT_BYTES = 1024 * 1024;
