/** Bind a serve app to a TCP port with @hono/node-server; `close` drains (503 for new work) then stops. */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { type AppOptions, createApp, type ServeApp } from "./app.js";

export interface ServerOptions extends AppOptions {
  host?: string;
  /** 0 lets the OS pick (tests). */
  port?: number;
}

export interface RunningServer extends ServeApp {
  url: string;
  port: number;
  /** Stop taking work, wait for in-flight requests, close the socket (the executor stays the caller's). */
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const built = createApp(opts);
  const host = opts.host ?? "127.0.0.1";
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: built.app.fetch, hostname: host, port: opts.port ?? 8080 }, () => resolve(s));
    s.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    ...built,
    get queuedPairs() {
      return built.queuedPairs;
    },
    get inFlight() {
      return built.inFlight;
    },
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    async close() {
      built.drain();
      // Keep listening while admitted requests finish, so late arrivals get a 503 rather than a refused socket.
      while (built.inFlight > 0) await new Promise((r) => setTimeout(r, 50));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // close() waits for every socket; idle keep-alive ones would hold it forever.
        if ("closeIdleConnections" in server) server.closeIdleConnections();
      });
      built.closeStore();
    },
  };
}
