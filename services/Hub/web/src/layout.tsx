import type { ComponentChildren } from "preact";
import type { ConnectionState } from "./hub";
import type { Session } from "./session";

export function ConnectionBadge({ state }: { state: ConnectionState | undefined }) {
  if (!state) return null;
  return <span id="connection" class="connection" data-state={state} role="status" aria-live="polite" aria-label={`Connection: ${state}`}>{state}</span>;
}

interface ShellProps { session: Session; title: string; connection?: ConnectionState; wide?: boolean; onSignOut: () => void; children: ComponentChildren; }

/** Page frame: title, navigation for the person's role, who is signed in, the live connection state. */
export function Shell({ session, title, connection, wide, onSignOut, children }: ShellProps) {
  const links = session.role === "orchestrator" ? [["#/board", "Board"]] : [["#/inbox", "Inbox"]];
  return (
    <>
      <a class="skip" href="#content">Skip to content</a>
      <header class="top">
        <h1>{title}</h1>
        <nav aria-label="Main">
          {links.map(([href, text]) => <a href={href} aria-current={location.hash.startsWith(href) ? "page" : undefined}>{text}</a>)}
        </nav>
        <span id="who-am-i">{session.name} ({session.sub})</span>
        <ConnectionBadge state={connection} />
        <button type="button" id="sign-out" onClick={onSignOut}>Sign out</button>
      </header>
      <main id="content" class={wide ? "wide" : undefined} tabIndex={-1}>{children}</main>
    </>
  );
}
