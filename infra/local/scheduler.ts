import { parseCron, wallClockIn } from "./cron.ts";

/**
 * EventBridge Scheduler, locally: checks the district's wall clock every
 * few seconds and runs the report function once in each matching minute.
 * `runNow` is the console's "run once now": it joins a run in progress
 * rather than start a second, as one schedule never overlaps itself.
 */
export const startReportSchedule = (options: {
  expression: string;
  timeZone: string;
  run: () => Promise<void>;
  onError?: (error: unknown) => void;
}) => {
  const { matches } = parseCron(options.expression);
  let lastMinute = "";
  let running: Promise<void> | undefined;
  const start = () => {
    running ??= options
      .run()
      .catch((error) => options.onError?.(error))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const tick = () => {
    const clock = wallClockIn(new Date(), options.timeZone);
    const minute = `${clock.year}-${clock.month}-${clock.day} ${clock.hour}:${clock.minute}`;
    if (minute === lastMinute || running || !matches(clock)) return;
    lastMinute = minute;
    void start();
  };
  const timer = setInterval(tick, 10_000);
  timer.unref();
  return {
    runNow: (): Promise<void> => start(),
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
};
