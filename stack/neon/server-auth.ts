// The proxy's half of Neon's connect: Neon's proxy asks every client for a cleartext password
// (which is why the driver can pipeline it, `pipelineConnect: 'password'`) and authenticates to
// Postgres itself. This does the same in front of the local Postgres, whatever it asks for:
// nothing (trust), a cleartext or MD5 password, or SCRAM-SHA-256 (RFC 5802, RFC 7677).
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** One backend or frontend message: its type byte and its body (after the length). */
export interface PgMessage {
  type: string;
  body: Buffer;
}

export function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const cString = (text: string) => Buffer.from(`${text}\0`, 'utf8');

/** AuthenticationCleartextPassword, what Neon's proxy sends every client. */
export const ASK_FOR_PASSWORD = message('R', Buffer.from([0, 0, 0, 3]));

/** Takes whole messages off the front of `buffer`; the rest waits for more bytes. */
export function takeMessages(buffer: Buffer): { messages: PgMessage[]; rest: Buffer } {
  const messages: PgMessage[] = [];
  let offset = 0;
  while (buffer.length - offset >= 5) {
    const length = buffer.readInt32BE(offset + 1);
    if (buffer.length - offset < 1 + length) break;
    messages.push({
      type: String.fromCharCode(buffer[offset]!),
      body: buffer.subarray(offset + 5, offset + 1 + length),
    });
    offset += 1 + length;
  }
  return { messages, rest: buffer.subarray(offset) };
}

/** The password of a PasswordMessage ('p'): text up to its NUL. */
export function passwordOf(body: Buffer): string {
  const end = body.indexOf(0);
  return body.subarray(0, end === -1 ? body.length : end).toString('utf8');
}

/** The user named in a StartupMessage body (protocol version, then key/value C strings). */
export function userOfStartup(body: Buffer): string {
  const fields = body.subarray(4).toString('utf8').split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'user') return fields[i + 1]!;
  return '';
}

/**
 * Answers Postgres's authentication requests ('R' messages) with `password`. Returns the message
 * to send back, `'done'` on AuthenticationOk, or `'skip'` for a message that needs no answer.
 */
export class PostgresAuthenticator {
  #scram: { nonce: string; clientFirstBare: string; serverSignature?: Buffer } | undefined;

  constructor(
    private readonly user: string,
    private readonly password: string,
  ) {}

  answer(request: Buffer): Buffer | 'done' | 'skip' {
    const code = request.readInt32BE(0);
    switch (code) {
      case 0:
        return 'done';
      case 3:
        return message('p', cString(this.password));
      case 5: {
        const inner = createHash('md5')
          .update(this.password + this.user)
          .digest('hex');
        const outer = createHash('md5').update(inner).update(request.subarray(4, 8)).digest('hex');
        return message('p', cString(`md5${outer}`));
      }
      case 10: {
        const mechanisms = request.subarray(4).toString('utf8').split('\0');
        if (!mechanisms.includes('SCRAM-SHA-256'))
          throw new Error(`unsupported SASL mechanisms: ${mechanisms.filter(Boolean).join(', ')}`);
        const nonce = randomBytes(18).toString('base64');
        const clientFirstBare = `n=*,r=${nonce}`;
        this.#scram = { nonce, clientFirstBare };
        const data = Buffer.from(`n,,${clientFirstBare}`, 'utf8');
        const length = Buffer.alloc(4);
        length.writeInt32BE(data.length);
        return message('p', Buffer.concat([cString('SCRAM-SHA-256'), length, data]));
      }
      case 11:
        return message('p', Buffer.from(this.#clientFinal(request.subarray(4).toString('utf8')), 'utf8'));
      case 12: {
        const verifier = /(?:^|,)v=([^,]+)/.exec(request.subarray(4).toString('utf8'))?.[1];
        if (!verifier || !this.#scram?.serverSignature?.equals(Buffer.from(verifier, 'base64'))) {
          throw new Error('SCRAM: the server signature does not match');
        }
        return 'skip';
      }
      default:
        throw new Error(`unsupported authentication request ${code}`);
    }
  }

  #clientFinal(serverFirst: string): string {
    const scram = this.#scram;
    if (!scram) throw new Error('SCRAM: continue before start');
    const attributes = Object.fromEntries(serverFirst.split(',').map((pair) => [pair[0], pair.slice(2)]));
    const { r: nonce = '', s: salt = '', i: iterations = '' } = attributes;
    if (!nonce.startsWith(scram.nonce) || !salt || !(Number(iterations) > 0))
      throw new Error('SCRAM: bad server-first-message');
    const saltedPassword = pbkdf2Sync(
      this.password.normalize('NFKC'),
      Buffer.from(salt, 'base64'),
      Number(iterations),
      32,
      'sha256',
    );
    const clientKey = createHmac('sha256', saltedPassword).update('Client Key').digest();
    const storedKey = createHash('sha256').update(clientKey).digest();
    const clientFinalWithoutProof = `c=biws,r=${nonce}`;
    const authMessage = `${scram.clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;
    const clientSignature = createHmac('sha256', storedKey).update(authMessage).digest();
    const proof = Buffer.from(clientKey.map((byte, i) => byte ^ clientSignature[i]!));
    const serverKey = createHmac('sha256', saltedPassword).update('Server Key').digest();
    scram.serverSignature = createHmac('sha256', serverKey).update(authMessage).digest();
    return `${clientFinalWithoutProof},p=${proof.toString('base64')}`;
  }
}
