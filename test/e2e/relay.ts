// A TCP relay between a daemon and the real kube-apiserver that a test can cut, as a network partition.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before } from 'node:test';
import { startRealCluster, type RealCluster } from './real-cluster.js';

/** Forwards TCP (TLS passes through untouched) to the API server; `cut()` drops every connection and refuses new ones until `restore()`. */
export class Relay {
  private readonly sockets = new Set<Socket>();
  private refusing = false;
  private constructor(private readonly server: Server) {}

  static async start(target: URL): Promise<Relay> {
    const server = createServer((client) => {
      if (relay.refusing) {
        client.destroy();
        return;
      }
      const upstream = connect(Number(target.port), target.hostname);
      for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
        relay.sockets.add(a);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          relay.sockets.delete(a);
          b.destroy();
        });
        a.pipe(b);
      }
    });
    const relay = new Relay(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get url(): string {
    return `https://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  cut(): void {
    this.refusing = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.refusing = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** For a test file: a real cluster and a relay to its API server, started before its tests and stopped after. */
export function relayedCluster(): { readonly cluster: RealCluster; readonly relay: Relay } {
  const started = {} as { cluster: RealCluster; relay: Relay };
  before(async () => {
    started.cluster = await startRealCluster();
    started.relay = await Relay.start(new URL(started.cluster.cp.server));
  });
  after(async () => {
    await started.relay?.close();
    await started.cluster?.stop();
  });
  return started;
}
