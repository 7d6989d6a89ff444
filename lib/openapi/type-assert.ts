/** Compile-time checks that a response schema describes the type the handler really returns. */
export type Assert<T extends true> = T;
/** Structural equality (both ways assignable), which, unlike the usual identity trick, treats `A & B` and its flattened object alike. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** What JSON.stringify makes of a value: Dates become ISO strings. */
export type Jsonify<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Jsonify<U>[]
    : T extends readonly [infer A, infer B]
      ? [Jsonify<A>, Jsonify<B>]
      : T extends object
        ? { [K in keyof T]: Jsonify<T[K]> }
        : T;
