// A container's first module, plain JavaScript because a worker thread does
// not inherit the TypeScript loader its parent runs under (tsx or vitest).
// It loads the container code, bundled like the function it runs, and
// registers tsx only for what is TypeScript still: the container's source
// or a handler module given as source (a test's, or when bundling failed).
import { workerData } from "node:worker_threads";

const isTypeScript = (url) => /\.[cm]?ts$/.test(new URL(url).pathname);
if (isTypeScript(workerData.moduleUrl) || isTypeScript(workerData.containerUrl)) {
  const { register } = await import("tsx/esm/api");
  register();
}
await import(workerData.containerUrl);
