/**
 * Resource names reach functions through environment variables, read when
 * used (not at import) so that one process can host the local stack.
 */
export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(`Missing configuration: environment variable ${name}`);
  }
  return value;
};
