let onClosed: (() => void) | undefined;
let outputClosed = false;

/**
 * Lets a long command (`s4 train | head`) finish its work — save a checkpoint — when its reader
 * goes away, instead of exiting at once; later writes to the closed stdout are dropped.
 * `undefined` restores the default.
 */
export function whenOutputCloses(handler: (() => void) | undefined): void {
  onClosed = handler;
}

/**
 * What `s4` does when writing its output fails.
 *
 * `s4 models | head -3`: once `head` has its lines it exits, and s4's next write to the pipe
 * fails with EPIPE. Node ignores SIGPIPE, so that failure arrives as an 'error' event on
 * `process.stdout`; unhandled, it crashes the process with a stack trace. Like git, ls or a
 * Python CLI, s4 takes a reader that went away as the end of the job: it exits at once, quietly,
 * with status 0 (the output was cut short on purpose, by whoever read it).
 *
 * Any other write error on stdout (a full disk: `s4 models > /dev/full`) is a real failure:
 * one line on stderr, status 1. A failing stderr has nowhere left to report to: s4 just exits.
 */
export function handleOutputErrors(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (outputClosed) return;
    if (error.code === 'EPIPE' && onClosed) {
      outputClosed = true;
      onClosed();
      return;
    }
    if (error.code === 'EPIPE') process.exit(0);
    process.stderr.write(`error: cannot write to stdout: ${error.message}\n`);
    process.exit(1);
  });
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    process.exit(error.code === 'EPIPE' ? 0 : 1);
  });
}
