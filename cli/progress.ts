import { SingleBar } from "cli-progress";

/**
 * Progress is for a person watching: standard error must be a terminal, and
 * CI (which often fakes one) must not be set. Pipes, files and CI logs get
 * nothing, so scripts can treat any standard error output as a problem.
 */
export const progressWanted = (
  stderrIsTty: boolean | undefined,
  env: Record<string, string | undefined>,
): boolean => {
  const ci = env.CI;
  const inCi = ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
  return stderrIsTty === true && !inCi;
};

export interface Progress {
  /** Total bytes read so far and lines seen so far. */
  update(bytes: number, lines: number): void;
  /** Clears the bar, so that a message written next starts on a clean line. */
  stop(): void;
}

const silent: Progress = { update: () => {}, stop: () => {} };

const mebibytes = (bytes: number) => (bytes / 1_048_576).toFixed(1);

/** A bar on standard error for reading `totalBytes` of `what`, or nothing when unwanted. */
export const fileProgress = (what: string, totalBytes: number): Progress => {
  if (!progressWanted(process.stderr.isTTY, process.env)) return silent;
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${what} [{bar}] {percentage}% | {read}/{size} MiB | {lines} lines | {eta_formatted}`,
    clearOnComplete: true,
    // Updates arrive per chunk read; redraw at most this often.
    fps: 5,
  });
  // The bar turns off the terminal's line wrapping while it draws; an
  // interrupted run must turn it back on.
  const interrupted = () => {
    bar.stop();
    process.exit(130);
  };
  process.once("SIGINT", interrupted);
  bar.start(totalBytes, 0, { read: mebibytes(0), size: mebibytes(totalBytes), lines: 0 });
  return {
    update: (bytes, lines) => bar.update(bytes, { read: mebibytes(bytes), lines }),
    stop: () => {
      process.off("SIGINT", interrupted);
      bar.stop();
    },
  };
};
