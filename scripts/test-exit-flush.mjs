// Loaded into every test process by scripts/run-tests.mjs. Node 20's `--test-force-exit` calls
// process.exit() as soon as a file's last test settles, while that file's process may still be
// writing its results to the runner over its stdout pipe: the verdicts of the file's last tests
// are then lost and the run counts fewer tests than ran (nodejs/node#64833; a failure still fails
// the file through its exit code, but the count and the names are wrong). Here process.exit()
// first waits until everything written to stdout so far has been handed to the pipe, then exits
// (at most 5 s later, whatever happens).
const exit = process.exit.bind(process);
let exiting = false;

process.exit = function exitAfterStdoutFlush(code) {
  if (code !== undefined && code !== null) process.exitCode = code;
  const out = process.stdout;
  if (exiting || out.destroyed || out.writableLength === 0) return exit(process.exitCode);
  exiting = true;
  const done = () => exit(process.exitCode);
  // Writes on one stream complete in order: this callback runs once every earlier write has.
  out.write('', done);
  setTimeout(done, 5000);
};
