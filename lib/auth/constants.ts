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
/** The sign-in challenge between the password and the MFA code (HttpOnly, only sent to /api/auth/login…). */
export const MFA_CHALLENGE_COOKIE = "fcds_mfa";
export const MFA_CHALLENGE_COOKIE_PATH = "/api/auth/login";
/** Where an admin without MFA is sent after signing in, until enrolled. */
export const MFA_ENROLMENT_PATH = "/account/mfa";
/**
 * The demo admin's TOTP secret (base32). Published like the demo passwords: demo accounts work
 * only on loopback or with FUSION_DEMO_USERS=1 (lib/auth/config.ts). Never used for anyone else.
 */
export const DEMO_ADMIN_TOTP_SECRET = "FUSIONCDSDEMOADMINTOTPSECRETAAAA";
