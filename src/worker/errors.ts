/** The one exception type of the HTTP API, turned into a JSON error response in one place (app.onError). */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiErrorCode } from "../protocol/codes";

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new ApiError(400, ApiErrorCode.BAD_REQUEST, message);
export const unauthorized = (message: string) => new ApiError(401, ApiErrorCode.UNAUTHORIZED, message, { "WWW-Authenticate": "Bearer" });
export const notFound = (message = "Not found.") => new ApiError(404, ApiErrorCode.NOT_FOUND, message);

export function errorBody(code: ApiErrorCode, message: string): { error: { code: ApiErrorCode; message: string } } {
  return { error: { code, message } };
}
