/** Cookie and header names, free of Node imports so proxy.ts and client components can use them. */
export const SESSION_COOKIE = "fcds_session";
/**
 * Over TLS the session cookie is named with the __Host- prefix (ASVS 3.4.4): the browser then only
 * accepts it Secure, Path=/, without Domain, so no sibling subdomain can set or shadow it.
 */
export const SECURE_SESSION_COOKIE = "__Host-fcds_session";
export const SESSION_COOKIE_NAMES = [SECURE_SESSION_COOKIE, SESSION_COOKIE] as const;
export const CSRF_COOKIE = "fcds_csrf";
export const CSRF_HEADER = "x-csrf-token";
