import { FUNCTIONS, type FunctionKey } from "../../resources/declarations.ts";

/**
 * Loaded in a local function's containers in place of its handler: the real
 * handler, except that an event carrying SPIN_MARKER makes it spin on the
 * CPU forever, as a catastrophic regular expression would. Nothing but
 * ending the container stops it.
 */
export const SPIN_MARKER = "spin-forever-7b1e";

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** The function's own handler; only in a container, since tests import the marker from here. */
const loadReal = async (): Promise<Handler | undefined> => {
  const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME;
  if (!functionName) return undefined;
  const key = functionName.slice(functionName.lastIndexOf("-") + 1) as FunctionKey;
  const url = new URL(`../../functions/${FUNCTIONS[key].entry}.ts`, import.meta.url);
  return ((await import(url.href)) as { handler: Handler }).handler;
};
const real = await loadReal();

const bodies = (event: { body?: string; Records?: Array<{ body: string }> }) =>
  event.Records ? event.Records.map((record) => record.body) : [event.body ?? ""];

const spin = () => {
  let turns = 0;
  while (turns >= 0) turns = (turns + 1) % 1_000_000;
  return turns;
};

export const handler = async (
  event: { body?: string; Records?: Array<{ body: string }> },
  context: unknown,
) => {
  if (bodies(event).some((body) => body.includes(SPIN_MARKER))) spin();
  if (!real) throw new Error("Not in a function container");
  return real(event, context);
};
