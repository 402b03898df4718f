import { HttpTransportType, HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel } from "@microsoft/signalr";
import type { Session } from "./session";

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "offline";

export interface LiveConnectionOptions {
  path: string;
  session: Session;
  /** Registers the server -> client handlers on the fresh connection. */
  handlers: (connection: HubConnection) => void;
  /** Runs after the first start and after every reconnect: the place to catch up on what was missed. */
  onConnected: (connection: HubConnection) => Promise<void>;
  onState: (state: ConnectionState) => void;
  /** The server refused the token (401) or the role (403). */
  onRefused: (status: number) => void;
}

const retryDelay = (attempt: number) => Math.min(10_000, 500 * 2 ** attempt);

/** 401 or 403 when the error is the server refusing the token or the role; retrying will not help. */
function refusedStatus(err: unknown): number | undefined {
  const status = (err as { statusCode?: number } | undefined)?.statusCode;
  return status === 401 || status === 403 ? status : undefined;
}

/**
 * A hub connection that never gives up: SignalR's automatic reconnect with an unbounded schedule, and a fresh start
 * when the connection closes for good (server restart, a laptop asleep past the reconnect window). The browser's
 * online/offline events move the indicator at once and retry as soon as the network is back.
 */
export class LiveConnection {
  readonly connection: HubConnection;
  private stopped = false;
  private restartTimer: number | undefined;
  private attempts = 0;

  constructor(private readonly options: LiveConnectionOptions) {
    this.connection = new HubConnectionBuilder()
      // WebSockets only: the one transport that carries the token in its URL, and the one the hub is tuned for.
      .withUrl(options.path, { accessTokenFactory: () => options.session.accessToken, transport: HttpTransportType.WebSockets })
      // Unbounded, except when the server refuses the token: then the connection closes and start() reports it.
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => (refusedStatus(ctx.retryReason) ? null : retryDelay(ctx.previousRetryCount)) })
      .configureLogging(LogLevel.Warning)
      .build();
    options.handlers(this.connection);
    this.connection.onreconnecting(() => this.setState(navigator.onLine ? "reconnecting" : "offline"));
    this.connection.onreconnected(() => void this.connected());
    this.connection.onclose(() => { if (!this.stopped) { this.setState("offline"); this.scheduleStart(); } });
    window.addEventListener("offline", this.wentOffline);
    window.addEventListener("online", this.cameOnline);
  }

  get state(): HubConnectionState { return this.connection.state; }

  async start(): Promise<void> {
    this.setState("connecting");
    await this.tryStart();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    window.clearTimeout(this.restartTimer);
    window.removeEventListener("offline", this.wentOffline);
    window.removeEventListener("online", this.cameOnline);
    await this.connection.stop();
  }

  invoke<T>(method: string, ...args: unknown[]): Promise<T> {
    return this.connection.invoke<T>(method, ...args);
  }

  private async tryStart(): Promise<void> {
    if (this.stopped || this.connection.state !== HubConnectionState.Disconnected) return;
    try {
      await this.connection.start();
    } catch (err) {
      const status = refusedStatus(err);
      if (status) {
        this.setState("offline");
        this.options.onRefused(status);
        return;
      }
      this.setState("offline");
      this.scheduleStart();
      return;
    }
    await this.connected();
  }

  private async connected(): Promise<void> {
    this.attempts = 0;
    this.setState("connected");
    await this.options.onConnected(this.connection);
  }

  private scheduleStart(): void {
    window.clearTimeout(this.restartTimer);
    this.restartTimer = window.setTimeout(() => void this.tryStart(), retryDelay(this.attempts++));
  }

  private setState(state: ConnectionState): void {
    if (!this.stopped) this.options.onState(state);
  }

  private readonly wentOffline = () => {
    if (this.connection.state !== HubConnectionState.Connected) this.setState("offline");
  };

  private readonly cameOnline = () => {
    this.attempts = 0;
    if (this.connection.state === HubConnectionState.Disconnected) void this.tryStart();
  };
}

/** The server's message from a HubException ("An unexpected error occurred invoking 'accept' on the server. HubException: ..."). */
export function hubErrorMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const marker = "HubException: ";
  const at = text.indexOf(marker);
  return at >= 0 ? text.slice(at + marker.length) : text;
}
