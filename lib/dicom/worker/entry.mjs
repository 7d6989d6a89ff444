// Entry of the decode worker threads (lib/dicom/off-thread.ts starts them with Piscina). The tasks
// are TypeScript; tsx compiles them inside the worker, in every context the app runs in (next
// start, CLIs, vitest), so there is no separate build step to forget.
import Piscina from "piscina";
import { tsImport } from "tsx/esm/api";

const tasks = await tsImport("./tasks.ts", import.meta.url);

/** Hands the decoded pixels / PNG bytes back without copying them. */
function moved(result) {
  const buffers = [];
  if (result.ok) {
    const v = result.value;
    if (v.frame?.data?.buffer) buffers.push(v.frame.data.buffer);
    if (v.png?.buffer) buffers.push(v.png.buffer);
    if (Array.isArray(v.frames)) for (const f of v.frames) if (f?.buffer) buffers.push(f.buffer);
  }
  if (buffers.length === 0) return result;
  return Piscina.move({ [Piscina.transferableSymbol]: buffers, [Piscina.valueSymbol]: result });
}

export const decodeScan = async (input) => moved(await tasks.decodeScan(input));
export const preview = async (input) => moved(await tasks.preview(input));
export const readTags = (input) => tasks.readTags(input);
export const dicomJson = (input) => tasks.dicomJson(input);
export const frames = async (input) => moved(await tasks.frames(input));
/** Starts a thread and compiles the tasks, so the first upload does not pay for it. */
export const warm = () => true;
export default decodeScan;
