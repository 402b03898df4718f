import { HttpTransportType, HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel } from "@microsoft/signalr";

interface Evidence { signalId: string; type: string; channel: string; at: string; summary: string; }
interface Prompt {
  promptId: string; sequence: number; sellerId: string; accountId: string; accountName: string; contactId?: string;
  action: string; role: string; priority: number; dueBy: string; bestTime: { from: string; to: string };
  reason: string; evidence: Evidence[]; focusJob?: string; createdAt: string; status: string;
}
interface Session { accessToken: string; sub: string; name: string; role: string; }
interface RosterPerson { id: string; name: string; role: string; specialty?: string; territory?: string; }

const SESSION_KEY = "demand.session";
const app = document.getElementById("app")!;
const prompts = new Map<string, Prompt>();
let lastSequence = 0;
let connection: HubConnection | undefined;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
const label = (s: string) => s.replace(/_/g, " ");

function loadSession(): Session | undefined {
  const raw = sessionStorage.getItem(SESSION_KEY);
  return raw ? (JSON.parse(raw) as Session) : undefined;
}

async function showSignIn(message?: string): Promise<void> {
  app.replaceChildren();
  const form = el("form", { id: "sign-in", "aria-labelledby": "sign-in-title" });
  form.append(el("h1", { id: "sign-in-title" }, "Demand Center — sign in"));
  if (message) form.append(el("p", { class: "error", role: "alert" }, message));
  const response = await fetch("/api/v1/dev/roster");
  if (!response.ok) {
    form.append(el("p", {}, "Sign in through your organisation's identity provider."));
    app.append(form);
    return;
  }
  const people = (await response.json()) as RosterPerson[];
  const select = el("select", { id: "who", name: "sub" });
  for (const p of people) select.append(el("option", { value: p.id }, `${p.name} (${p.id}, ${p.role}${p.specialty ? ", " + p.specialty : ""})`));
  form.append(el("label", { for: "who" }, "Who are you?"), select, el("button", { type: "submit", id: "sign-in-button" }, "Sign in"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await fetch("/api/v1/dev/token", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sub: select.value }) });
    if (!r.ok) return showSignIn("Sign-in failed.");
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(await r.json()));
    void showInbox(loadSession()!);
  });
  app.append(form);
}

function setState(state: string): void {
  const badge = document.getElementById("connection");
  if (badge) { badge.textContent = state; badge.dataset.state = state; }
}

function renderPrompt(p: Prompt): HTMLElement {
  const evidence = el("details", {}, el("summary", {}, `Evidence (${p.evidence.length})`),
    el("ul", {}, ...p.evidence.map((e) => el("li", {}, `${time(e.at)} · ${e.channel} · ${e.summary}`))));
  return el("li", { class: `prompt priority-${p.priority}`, "data-prompt-id": p.promptId, "data-sequence": String(p.sequence) },
    el("div", { class: "prompt-head" },
      el("span", { class: "action" }, label(p.action)),
      el("span", { class: "account" }, p.accountName),
      el("span", { class: "due" }, `due ${time(p.dueBy)}`)),
    el("p", { class: "reason" }, p.reason),
    el("p", { class: "meta" }, [p.contactId ? `contact ${p.contactId}` : "no contact yet", `role ${p.role}`,
      `best ${time(p.bestTime.from)}–${time(p.bestTime.to)}`, p.focusJob ? `focus: ${label(p.focusJob)}` : ""].filter(Boolean).join(" · ")),
    evidence);
}

function render(): void {
  const list = document.getElementById("prompts");
  if (!list) return;
  const sorted = [...prompts.values()].sort((a, b) => b.sequence - a.sequence);
  list.replaceChildren(...sorted.map(renderPrompt));
  document.getElementById("empty")!.hidden = sorted.length > 0;
  document.getElementById("count")!.textContent = String(sorted.length);
}

function receive(list: Prompt[]): void {
  for (const p of list) {
    prompts.set(p.promptId, p);
    lastSequence = Math.max(lastSequence, p.sequence);
  }
  render();
}

async function catchUp(): Promise<void> {
  if (connection?.state !== HubConnectionState.Connected) return;
  receive(await connection.invoke<Prompt[]>("catchUp", lastSequence));
}

async function showInbox(session: Session): Promise<void> {
  const signOut = el("button", { type: "button", id: "sign-out" }, "Sign out");
  signOut.addEventListener("click", async () => { sessionStorage.removeItem(SESSION_KEY); await connection?.stop(); prompts.clear(); lastSequence = 0; void showSignIn(); });
  app.replaceChildren(
    el("header", {},
      el("h1", {}, "Prompts"),
      el("span", { id: "who-am-i" }, `${session.name} (${session.sub})`),
      el("span", { id: "connection", role: "status", "aria-live": "polite" }, "connecting"),
      signOut),
    el("main", {},
      el("p", { class: "summary" }, el("span", { id: "count" }, "0"), " prompts"),
      el("p", { id: "empty" }, "No prompts yet. They arrive here the moment a buyer's signals call for you."),
      el("ul", { id: "prompts", "aria-label": "Prompts" })));
  render();

  connection = new HubConnectionBuilder()
    // WebSockets only: the one transport that carries the token in its URL, and the one the hub is tuned for.
    .withUrl("/hubs/sellers", { accessTokenFactory: () => session.accessToken, transport: HttpTransportType.WebSockets })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => Math.min(10_000, 500 * 2 ** ctx.previousRetryCount) })
    .configureLogging(LogLevel.Warning)
    .build();
  connection.on("promptReceived", (p: Prompt) => receive([p]));
  connection.onreconnecting(() => setState("reconnecting"));
  connection.onreconnected(async () => { setState("connected"); await catchUp(); });
  connection.onclose(() => setState("offline"));
  try {
    await connection.start();
    setState("connected");
    await catchUp();
  } catch (err) {
    setState("offline");
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 401 || status === 403) {
      sessionStorage.removeItem(SESSION_KEY);
      void showSignIn(status === 403 ? "This inbox is for sellers." : "Your session has expired.");
    }
  }
}

const session = loadSession();
void (session ? showInbox(session) : showSignIn());
