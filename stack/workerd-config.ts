// The workerd configuration `npm run serve` runs the built bundle with: the same bindings and
// compatibility settings as wrangler.toml, served on a plain socket with no dev proxy in front.

export interface WorkerdConfigOptions {
  /** Path of the bundle's entry module, relative to the config file. */
  modulePath: string;
  compatibilityDate: string;
  compatibilityFlags: readonly string[];
  /** Text bindings: vars and secrets. */
  bindings: Record<string, string>;
  /** host:port to listen on; none: the socket comes from the command line (`--socket-fd http=<fd>`). */
  address?: string;
  /** Headers workerd adds to every response on the socket (e.g. `X-Isolate`), at no cost to the Worker. @default none */
  responseHeaders?: Record<string, string>;
}

/** A Cap'n Proto text string literal. */
const capnpString = (text: string) => JSON.stringify(text);

export function workerdConfig(options: WorkerdConfigOptions): string {
  const bindings = Object.entries(options.bindings)
    .map(([name, value]) => `    (name = ${capnpString(name)}, text = ${capnpString(value)}),`)
    .join('\n');
  const address = options.address === undefined ? '' : `address = ${capnpString(options.address)}, `;
  const injected =
    Object.entries(options.responseHeaders ?? {}).length === 0
      ? ''
      : `injectResponseHeaders = [${Object.entries(options.responseHeaders!)
          .map(([name, value]) => `(name = ${capnpString(name)}, value = ${capnpString(value)})`)
          .join(', ')}]`;
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # The local stack listens on 127.0.0.1: outbound fetches and sockets may reach local addresses.
    (name = "internet", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true))),
  ],
  sockets = [(name = "http", ${address}http = (${injected}), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "index.js", esModule = embed ${capnpString(options.modulePath)})],
  compatibilityDate = ${capnpString(options.compatibilityDate)},
  compatibilityFlags = [${options.compatibilityFlags.map(capnpString).join(', ')}],
  bindings = [
${bindings}
  ],
  globalOutbound = "internet",
);
`;
}
