// The scanner's own error codes, added to the shared registry by declaration merging.
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

export {};
