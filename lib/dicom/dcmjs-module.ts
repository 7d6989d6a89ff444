/**
 * dcmjs, however it arrives: Node's CommonJS interop hands over a namespace with `default`, webpack's
 * server bundle the module object itself. Typed by `dcmjs.d.ts` (the package ships no types).
 */
import * as dcmjsModule from "dcmjs";

type Dcmjs = typeof import("dcmjs").default;
export const dcmjs: Dcmjs = ((dcmjsModule as { default?: Dcmjs }).default ?? dcmjsModule) as Dcmjs;
