/** Cookie and header names, free of Node imports so proxy.ts and client components can use them. */
export const SESSION_COOKIE = "fcds_session";
export const CSRF_COOKIE = "fcds_csrf";
export const CSRF_HEADER = "x-csrf-token";
