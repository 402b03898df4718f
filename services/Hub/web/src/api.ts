import type { Session } from "./session";

export class HttpError extends Error {
  constructor(public readonly status: number, message: string) { super(message); }
}

/** GET a JSON resource of the API with the session's bearer token. */
export async function getJson<T>(session: Session, path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${session.accessToken}`, accept: "application/json" }, signal });
  if (!response.ok) {
    let title = response.statusText;
    try { title = ((await response.json()) as { title?: string }).title ?? title; } catch { /* not a problem document */ }
    throw new HttpError(response.status, title);
  }
  return (await response.json()) as T;
}
