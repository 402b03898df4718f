import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { AccountPage } from "./account";
import { Board } from "./board";
import { Inbox } from "./inbox";
import { clearSession, loadSession, type Session } from "./session";
import { SignIn } from "./signin";

/** Hash routes: #/inbox (sellers), #/board (orchestrators), #/accounts/{accountId} (both). */
type Route = { page: "inbox" } | { page: "board" } | { page: "account"; accountId: string } | { page: "home" };

function parse(hash: string): Route {
  const path = hash.replace(/^#\/?/, "");
  if (path === "inbox") return { page: "inbox" };
  if (path === "board") return { page: "board" };
  const account = /^accounts\/(.+)$/.exec(path);
  if (account) return { page: "account", accountId: decodeURIComponent(account[1]).toLowerCase() };
  return { page: "home" };
}

const homeOf = (s: Session) => (s.role === "orchestrator" ? "#/board" : "#/inbox");

function App() {
  const [session, setSession] = useState(loadSession);
  const [route, setRoute] = useState(() => parse(location.hash));
  const [message, setMessage] = useState<string>();

  useEffect(() => {
    const onHash = () => setRoute(parse(location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  // The right home for the person's role, and never a screen their role cannot open.
  useEffect(() => {
    if (!session) return;
    const wrong = route.page === "home" || (route.page === "board" && session.role !== "orchestrator") || (route.page === "inbox" && session.role !== "seller");
    if (wrong) location.replace(homeOf(session));
  }, [session, route]);

  useEffect(() => {
    const title = route.page === "account" ? route.accountId : route.page === "board" ? "Board" : route.page === "inbox" ? "Inbox" : "Sign in";
    document.title = `${session ? title : "Sign in"} · Demand Center`;
  }, [session, route]);

  const signOut = () => { clearSession(); setMessage(undefined); setSession(undefined); };
  const refused = (status: number) => {
    clearSession();
    setMessage(status === 403 ? "Your role cannot open that screen." : "Your session has expired. Please sign in again.");
    setSession(undefined);
  };

  if (!session) return <SignIn message={message} onSignedIn={(s) => { setMessage(undefined); setSession(s); }} />;
  const props = { session, onSignOut: signOut, onRefused: refused };
  switch (route.page) {
    case "board": return session.role === "orchestrator" ? <Board {...props} /> : null;
    case "inbox": return session.role === "seller" ? <Inbox {...props} /> : null;
    case "account": return <AccountPage {...props} accountId={route.accountId} />;
    default: return null;
  }
}

const root = document.getElementById("app")!;
root.replaceChildren(); // the static "Loading…" placeholder
render(<App />, root);
