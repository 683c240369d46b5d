// A container's first module. Plain JavaScript because a worker thread does
// not inherit the TypeScript loader its parent runs under (tsx or vitest):
// it registers tsx itself, then loads the TypeScript side of the container.
import { register } from "tsx/esm/api";

register();
await import("./lambda-container.ts");
