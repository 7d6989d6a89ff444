import { jsonBodyErrors } from "../errors";
import { ref } from "../components";
import { header, jsonBody, jsonResponse, type Operations } from "../operation";

const setCookie = header("The session cookie (HttpOnly) and the CSRF cookie; both cleared (Max-Age=0) on sign-out.");
const signedOut = { description: "An HTML form post: redirect to /login?signedOut=1.", headers: { Location: header("/login?signedOut=1"), "Set-Cookie": setCookie } };

/** Sign-in, sign-out, the current session, one's own password. */
export const authOperations: Operations = {
  "POST /api/auth/login": {
    operationId: "signIn",
    tag: "Sessions",
    summary: "Sign in",
    description:
      "JSON `{ username, password }` answers 200 with the user, the CSRF token for later mutations and when the session ends, and sets the cookies. " +
      "An HTML form post (application/x-www-form-urlencoded) answers 303 to `next` (a path on this site) or back to /login?error=… . " +
      "With MFA (required for admins) sign-in is two steps: a right password answers the challenge for POST /api/auth/login/mfa, and only the code creates the session. " +
      "Failed sign-ins are throttled, never locking an account: per (username, client address) 5 failures are free, then each further try waits 30 s, doubling up to 15 min (FUSION_LOGIN_FREE_FAILURES, FUSION_LOGIN_BACKOFF_SECONDS, FUSION_LOGIN_BACKOFF_MAX_MINUTES); " +
      "per address 100 failures per 15 min (FUSION_LOGIN_ADDRESS_LIMIT, accounts that signed in from that address before are exempt). A try that must wait answers 429 with Retry-After and checks no password. A success resets the (username, address) pair. Every attempt is audited.",
    requestBody: {
      required: true,
      content: { "application/json": { schema: ref("LoginCredentials") }, "application/x-www-form-urlencoded": { schema: ref("LoginCredentials") } },
    },
    responses: {
      "200": jsonResponse(
        "JSON request: signed in (`LoginResult`; `mfaEnrolmentRequired` when an admin still has to enrol MFA), or — for a user with MFA — the challenge for the code step (`mfaRequired`, `mfaToken`; no session yet).",
        "SignInStepResult",
        { "Set-Cookie": setCookie },
      ),
      "303": {
        description: "Form post: redirect to `next` (/account/mfa for an admin without MFA), to /login?step=mfa (MFA), or to /login?error=invalid, or /login?error=rate_limited&wait=<seconds>.",
        headers: { Location: header("where to go"), "Set-Cookie": setCookie },
      },
    },
    errors: [
      jsonBodyErrors,
      {
        401: { codes: ["invalid_credentials"], note: "Wrong username or password, or a disabled account (deliberately indistinguishable)." },
        413: { codes: ["payload_too_large"], note: "Bodies are limited to 8 KiB." },
        429: { codes: ["rate_limited"], note: "Too many failed sign-ins for this username from this address, or from this address overall; Retry-After says when to try again." },
      },
    ],
  },
  "POST /api/auth/login/mfa": {
    operationId: "signInSecondFactor",
    tag: "Sessions",
    summary: "Sign in, second step: the MFA code",
    description:
      "`{ code }` — the 6-digit TOTP code (RFC 6238, ±30 s; a code, or an older one, is never accepted twice) — or `{ recoveryCode }` (single use), with `mfaToken` from the password step " +
      "(or its HttpOnly `fcds_mfa` cookie). The challenge lasts 5 minutes and allows 5 tries; tries are throttled per (username, address) like passwords. Answers like a successful password step: the session. Every try is audited.",
    requestBody: {
      required: true,
      content: { "application/json": { schema: ref("MfaSignIn") }, "application/x-www-form-urlencoded": { schema: ref("MfaSignIn") } },
    },
    responses: {
      "200": jsonResponse("Signed in (JSON request).", "LoginResult", { "Set-Cookie": setCookie }),
      "303": { description: "Form post: redirect to `next`, or back to /login?step=mfa&error=invalid_code, or /login?error=mfa_expired.", headers: { Location: header("where to go"), "Set-Cookie": setCookie } },
    },
    errors: [
      jsonBodyErrors,
      {
        401: { codes: ["invalid_code", "mfa_challenge_expired"], note: "A wrong code; or the challenge is unknown, used, expired or out of tries (sign in again)." },
        413: { codes: ["payload_too_large"], note: "Bodies are limited to 4 KiB." },
        429: { codes: ["rate_limited"], note: "Too many wrong codes for this username from this address; Retry-After says when to try again." },
      },
    ],
  },
  "GET /api/auth/mfa": {
    operationId: "getOwnMfa",
    tag: "Sessions",
    summary: "Your second factor",
    description: "On or off, whether your role requires it, an enrolment in progress, recovery codes left. Also while an admin still has to enrol.",
    responses: { "200": jsonResponse("The status.", "MfaStatus") },
  },
  "POST /api/auth/mfa/enrol": {
    operationId: "startMfaEnrolment",
    tag: "Sessions",
    summary: "Start MFA enrolment",
    description: "A new TOTP secret for an authenticator app: the otpauth URI, a QR code of it and the secret as text. It stays pending (encrypted at rest) until POST /api/auth/mfa/confirm. No body.",
    responses: { "200": jsonResponse("The new secret.", "MfaEnrolment") },
    errors: [{ 409: ["mfa_already_enabled"] }],
  },
  "POST /api/auth/mfa/confirm": {
    operationId: "confirmMfaEnrolment",
    tag: "Sessions",
    summary: "Turn MFA on with a first code",
    description: "The first code from the pending secret turns MFA on and answers ten single-use recovery codes, shown only this once (stored hashed). Your other sessions end.",
    requestBody: jsonBody("MfaConfirm"),
    responses: { "200": jsonResponse("MFA is on.", "MfaConfirmResult") },
    errors: [jsonBodyErrors, { 400: { codes: ["validation_failed"], note: "A code that does not match names `code`." }, 409: ["mfa_already_enabled", "mfa_enrolment_not_started"] }],
  },
  "POST /api/auth/mfa/recovery-codes": {
    operationId: "replaceRecoveryCodes",
    tag: "Sessions",
    summary: "New recovery codes",
    description: "Your password again; ten new recovery codes, the old ones stop working.",
    requestBody: jsonBody("PasswordReconfirm"),
    responses: { "200": jsonResponse("The new codes (shown once).", "MfaRecoveryCodes") },
    errors: [jsonBodyErrors, { 400: { codes: ["validation_failed"], note: "A wrong password names `currentPassword`." }, 409: ["mfa_not_enabled"], 429: ["rate_limited"] }],
  },
  "POST /api/auth/mfa/disable": {
    operationId: "disableOwnMfa",
    tag: "Sessions",
    summary: "Turn your MFA off",
    description: "Your password again. Not for roles that require MFA (admins).",
    requestBody: jsonBody("PasswordReconfirm"),
    responses: { "200": jsonResponse("MFA is off.", "OkResult") },
    errors: [jsonBodyErrors, { 400: { codes: ["validation_failed"], note: "A wrong password names `currentPassword`." }, 409: ["mfa_required_for_role", "mfa_not_enabled"], 429: ["rate_limited"] }],
  },
  "POST /api/auth/logout": {
    operationId: "signOut",
    tag: "Sessions",
    summary: "Sign out (this session)",
    description: "Revokes this session on the server and clears the cookies. No body.",
    responses: { "200": jsonResponse("Signed out.", "LogoutResult", { "Set-Cookie": setCookie }), "303": signedOut },
  },
  "POST /api/auth/logout-everywhere": {
    operationId: "signOutEverywhere",
    tag: "Sessions",
    summary: "Sign out every session of this user",
    description: "Revokes all the user's sessions (`revoked` counts them) and clears this browser's cookies. No body.",
    responses: { "200": jsonResponse("Signed out everywhere.", "LogoutResult", { "Set-Cookie": setCookie }), "303": signedOut },
  },
  "GET /api/auth/session": {
    operationId: "getSession",
    tag: "Sessions",
    summary: "Who is signed in",
    description: "The user, the CSRF token for mutations, when this session ends (absolute and idle), and the user's other active sessions.",
    responses: { "200": jsonResponse("The session.", "SessionInfo") },
  },
  "POST /api/auth/password": {
    operationId: "changeOwnPassword",
    tag: "Sessions",
    summary: "Change your own password",
    description: "The current password is required; the new one must meet the password policy and differ from it. Every other session of the user ends.",
    requestBody: jsonBody("PasswordChange"),
    responses: { "200": jsonResponse("Changed.", "PasswordChangeResult") },
    errors: [
      jsonBodyErrors,
      { 400: { codes: ["validation_failed"], note: "Also a wrong current password or a new one the policy refuses." }, 429: ["rate_limited"] },
    ],
  },
  "PATCH /api/auth/preferences": {
    operationId: "updateOwnPreferences",
    tag: "Sessions",
    summary: "Choose your interface language",
    description: "Saves the language of the user interface (`en` or `ko`; `null` clears the choice, the browser's Accept-Language decides) on the user and sets the language cookie (`fcds_locale`) the sign-in page reads. Audited (`account.locale_change`).",
    requestBody: jsonBody("PreferencesUpdate"),
    responses: { "200": jsonResponse("Saved.", "PreferencesResult", { "Set-Cookie": header("The language cookie `fcds_locale` (a year; not HttpOnly: the sign-in page sets it too).") }) },
    errors: [jsonBodyErrors, { 400: ["validation_failed"] }],
  },
};
