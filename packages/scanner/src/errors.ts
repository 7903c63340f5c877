// The scanner's own error codes, added to the shared registry by declaration merging. The
// type-only import makes the augmented module part of the program (the scanner's code imports
// the light '@tokenwarden/core/formats' entry, which re-exports the same registry) and is erased.
import type {} from '@tokenwarden/core';

declare module '@tokenwarden/core' {
  interface ErrorCodeRegistry {
    TW_SCAN_RULE_INVALID: true;
    TW_SCAN_RULE_UNSAFE: true;
    TW_SCAN_BASELINE_INVALID: true;
    TW_SCAN_SOURCE_UNREADABLE: true;
    TW_SCAN_GIT_FAILED: true;
    TW_SCAN_ARCHIVE_CORRUPT: true;
    TW_SCAN_VERIFY_UNAVAILABLE: true;
  }
}
