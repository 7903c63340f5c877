/**
 * oidc-provider 9 prints "Unsupported runtime" at import time on Node 20, although every flow we
 * use is tested on Node 20 (see STACK.md). It would land on the stderr of every CLI command, where
 * users read errors; drop exactly that line. Import this module before oidc-provider.
 */
const original = console.warn;
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
  original(...args);
};
// The notice is printed while oidc-provider's module body runs; restore right after the import phase.
setImmediate(() => {
  console.warn = original;
});
