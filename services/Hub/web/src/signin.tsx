import { useEffect, useState } from "preact/hooks";
import type { RosterPerson } from "./types";
import { saveSession, type Session } from "./session";

/**
 * Embedded mode: pick a person from the demo roster and get a dev token. In production the roster endpoint is absent
 * and the identity provider signs people in.
 */
export function SignIn({ message, onSignedIn }: { message?: string; onSignedIn: (s: Session) => void }) {
  const [people, setPeople] = useState<RosterPerson[] | null | undefined>(undefined);
  const [who, setWho] = useState("");
  const [error, setError] = useState(message);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void fetch("/api/v1/dev/roster").then(async (r) => {
      const list = r.ok ? ((await r.json()) as RosterPerson[]) : null;
      setPeople(list);
      if (list?.length) setWho(list[0].id);
    });
  }, []);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    const r = await fetch("/api/v1/dev/token", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sub: who }) });
    setBusy(false);
    if (!r.ok) { setError("Sign-in failed."); return; }
    const session = (await r.json()) as Session;
    saveSession(session);
    onSignedIn(session);
  }

  return (
    <main id="content" class="sign-in-page">
      <form id="sign-in" aria-labelledby="sign-in-title" onSubmit={submit}>
        <h1 id="sign-in-title">Demand Center — sign in</h1>
        {error && <p class="error" role="alert">{error}</p>}
        {people === undefined && <p>Loading…</p>}
        {people === null && <p>Sign in through your organisation's identity provider.</p>}
        {people && (
          <>
            <label for="who">Who are you?</label>
            <select id="who" name="sub" value={who} onChange={(e) => setWho((e.target as HTMLSelectElement).value)}>
              {people.map((p) => (
                <option value={p.id}>{`${p.name} (${p.id}, ${p.role}${p.specialty ? ", " + p.specialty : ""}${p.territory ? ", " + p.territory : ""})`}</option>
              ))}
            </select>
            <button type="submit" id="sign-in-button" disabled={busy || !who}>Sign in</button>
            <p class="hint">Demo mode: anyone on the roster can be chosen. Sellers get the inbox, orchestrators the board.</p>
          </>
        )}
      </form>
    </main>
  );
}
