export * from "./common";
export * from "./errors";
export * from "./validate";
export * from "./patient";
export * from "./condition";
export * from "./family-history";
export * from "./diet";
export * from "./record";
