// The signed-in person, kept per tab (sessionStorage) so that one browser can hold a seller and an orchestrator side by side.

export interface Session { accessToken: string; sub: string; name: string; role: string; }

const KEY = "demand.session";

export function loadSession(): Session | undefined {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return undefined;
  const session = JSON.parse(raw) as Session;
  return tokenExpired(session.accessToken) ? (sessionStorage.removeItem(KEY), undefined) : session;
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

/** Reads the token's exp claim; the server still decides, this only spares a failed round trip. */
function tokenExpired(token: string): boolean {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: number };
    return payload.exp !== undefined && payload.exp * 1000 < Date.now();
  } catch {
    return true;
  }
}
