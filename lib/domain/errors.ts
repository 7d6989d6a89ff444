/**
 * Errors that carry an HTTP status, a stable code and a message a clinician can act on.
 * API responses render them as `{ "error": { "code", "message", "details"? } }`.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export type FieldIssue = { path: string; message: string };

export class ValidationError extends AppError {
  constructor(message: string, issues: FieldIssue[]) {
    super(400, "validation_failed", message, { issues });
  }
  static field(path: string, message: string): ValidationError {
    return new ValidationError(`${path}: ${message}`, [{ path, message }]);
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, id: string) {
    super(404, "not_found", `${entity} ${id} was not found`);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(409, code, message, details);
  }
}

export class AuthError extends AppError {
  static unauthenticated(message = "Sign in to continue") {
    return new AuthError(401, "unauthenticated", message);
  }
  static forbidden(message = "Your role does not allow this") {
    return new AuthError(403, "forbidden", message);
  }
}
