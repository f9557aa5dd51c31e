// nas/errors.ts: the search layer's error classes, each with a stable code. Tests assert the
// class and the code; `details.path` names the bad field of a search-space file.

import { GraftError } from '../errors.js';

/** A search space (file or object) that is not valid, or does not fit the data. */
export class SearchSpaceError extends GraftError {
  override readonly code: string = 'ERR_SEARCH_SPACE';
}

/** A journal that cannot be read back or does not belong to this search. */
export class JournalError extends GraftError {
  override readonly code: string = 'ERR_JOURNAL';
}

/** A search that cannot go on (no actor left to train on); what was recorded stays recorded. */
export class SearchAbortedError extends GraftError {
  override readonly code: string = 'ERR_SEARCH_ABORTED';
}

/** A candidate with more parameters than `--max-params` allows: recorded as a failure of its own kind, never trained. */
export class CandidateTooLargeError extends GraftError {
  override readonly code: string = 'ERR_CANDIDATE_TOO_LARGE';
}
