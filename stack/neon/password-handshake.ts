// The start of each WebSocket session, as Neon's proxy runs it: the client is asked for a
// cleartext password (the driver may already have sent it: `pipelineConnect: 'password'`), and
// the proxy authenticates to Postgres with it (server-auth.ts). Once Postgres says
// AuthenticationOk the session is a plain byte pipe, as before.
import {
  ASK_FOR_PASSWORD,
  message,
  PostgresAuthenticator,
  passwordOf,
  takeMessages,
  userOfStartup,
} from './server-auth';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;

export interface HandshakeIO {
  toClient(bytes: Buffer): void;
  toServer(bytes: Buffer): void;
  /** The handshake failed in the proxy itself (the client was told why). */
  fail(): void;
}

/** Feed it both directions' bytes; it answers `true` once the session should be piped as is. */
export class PasswordHandshake {
  #phase: 'startup' | 'server-first' | 'password' | 'server-auth' | 'piping' = 'startup';
  #fromClient: Buffer = Buffer.alloc(0);
  #fromServer: Buffer = Buffer.alloc(0);
  #user = '';
  #authenticator: PostgresAuthenticator | undefined;

  constructor(private readonly io: HandshakeIO) {}

  get piping(): boolean {
    return this.#phase === 'piping';
  }

  fromClient(data: Buffer): void {
    if (this.#phase === 'piping') return this.io.toServer(data);
    this.#fromClient = Buffer.concat([this.#fromClient, data]);
    if (this.#phase === 'startup') this.#readStartup();
    if (this.#phase === 'password') this.#readPassword();
  }

  fromServer(data: Buffer): void {
    if (this.#phase === 'piping') return this.io.toClient(data);
    this.#fromServer = Buffer.concat([this.#fromServer, data]);
    if (this.#phase === 'server-first') this.#readServerFirst();
    if (this.#phase === 'password') this.#readPassword();
    this.#answerServer();
  }

  /** Postgres's first answer: an error goes to the client as it is; an authentication request means ask the client for its password. */
  #readServerFirst(): void {
    const first = takeMessages(this.#fromServer).messages[0];
    if (!first) return;
    if (first.type === 'E') return this.#pipe(this.#fromClient, this.#fromServer);
    this.io.toClient(ASK_FOR_PASSWORD);
    this.#phase = 'password';
  }

  #readStartup(): void {
    const buffer = this.#fromClient;
    if (buffer.length < 8 || buffer.length < buffer.readInt32BE(0)) return;
    const length = buffer.readInt32BE(0);
    const code = buffer.readInt32BE(4);
    if (code === SSL_REQUEST || code === CANCEL_REQUEST) {
      // Not a session to authenticate: pass it through untouched.
      this.#pipe(buffer, Buffer.alloc(0));
      return;
    }
    this.#user = userOfStartup(buffer.subarray(4, length));
    this.io.toServer(buffer.subarray(0, length));
    this.#fromClient = buffer.subarray(length);
    this.#phase = 'server-first';
  }

  #readPassword(): void {
    const { messages } = takeMessages(this.#fromClient);
    const first = messages[0];
    if (!first) return;
    if (first.type !== 'p') return this.#refuse('08P01', `expected a password message, got '${first.type}'`);
    this.#authenticator = new PostgresAuthenticator(this.#user, passwordOf(first.body));
    // What the client sent after its password (pipelined queries) waits for AuthenticationOk.
    this.#fromClient = this.#fromClient.subarray(5 + first.body.length);
    this.#phase = 'server-auth';
    this.#answerServer();
  }

  #answerServer(): void {
    if (this.#phase !== 'server-auth' || !this.#authenticator) return;
    const { messages, rest } = takeMessages(this.#fromServer);
    this.#fromServer = rest;
    for (const [i, received] of messages.entries()) {
      const raw = () => Buffer.concat([...messages.slice(i).map((m) => message(m.type, m.body)), rest]);
      // An error (a wrong password, an unknown database) goes to the client as Postgres wrote it.
      if (received.type === 'E') return this.#pipe(this.#fromClient, raw());
      if (received.type !== 'R') {
        this.io.toClient(message(received.type, received.body));
        continue;
      }
      let answer: ReturnType<PostgresAuthenticator['answer']>;
      try {
        answer = this.#authenticator.answer(received.body);
      } catch (error) {
        return this.#refuse(
          '28000',
          `the local Neon endpoint could not authenticate to Postgres: ${(error as Error).message}`,
        );
      }
      if (answer === 'done') return this.#pipe(this.#fromClient, raw());
      if (answer !== 'skip') this.io.toServer(answer);
    }
  }

  #pipe(toServer: Buffer, toClient: Buffer): void {
    this.#phase = 'piping';
    this.#fromClient = Buffer.alloc(0);
    this.#fromServer = Buffer.alloc(0);
    if (toServer.length > 0) this.io.toServer(toServer);
    if (toClient.length > 0) this.io.toClient(toClient);
  }

  #refuse(code: string, text: string): void {
    const field = (name: string, value: string) => Buffer.from(`${name}${value}\0`, 'utf8');
    this.io.toClient(
      message(
        'E',
        Buffer.concat([field('S', 'FATAL'), field('V', 'FATAL'), field('C', code), field('M', text), Buffer.from([0])]),
      ),
    );
    this.io.fail();
  }
}
