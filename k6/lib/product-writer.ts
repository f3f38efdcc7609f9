// A writer VU of k6/faults.ts: creates, updates and deletes products of its own (and sends writes
// the API must refuse), records each answer in its ledger, and at the end reads every product it
// wrote back from the database through the API (token + no-store) to judge them. VUs share no
// memory: writing only its own products is what lets one VU's ledger be the whole truth about
// them. Each writer is a client of its own for the rate limits (client-address.ts).
import { check, sleep } from 'k6';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { Counter, Rate } from 'k6/metrics';
import { clientAddressHeader } from './client-address.ts';
import { API_TOKEN, BASE_URL } from './config.ts';
import { type FaultClock, isDatabaseFault, phaseNow, phaseOf } from './fault-schedule.ts';
import { OwnedProduct, outcomeOf, type ProductFields, type ProductRow, type UpdateFields } from './write-ledger.ts';

/** Writes answered as their phase requires: 503 problem+json with Retry-After during a database fault, else the designed status. */
const writeAsExpected = new Rate('write_as_expected');
/** Write answers by outcome (acknowledged, refused, unknown). */
const writeOutcomes = new Counter('write_outcomes');
/** The end check, one count per product written. */
const acknowledgedLost = new Counter('acked_writes_lost');
const acknowledgedAltered = new Counter('acked_writes_altered');
const refusedApplied = new Counter('refused_writes_applied');
const productsChecked = new Counter('end_check_products');
/** Writes whose answer was lost (a 503) that the database shows applied: allowed, and worth knowing. */
const unknownApplied = new Counter('unknown_writes_applied');

const CATEGORIES = ['audio', 'books', 'coffee', 'desk', 'kitchen', 'lighting', 'office', 'tea', 'tools', 'toys'];
const NO_SUCH_CATEGORY = 'no-such-category';
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const price = () => 100 + Math.floor(Math.random() * 100_000);

export class ProductWriter {
  readonly #owned: OwnedProduct[] = [];
  /** In every name this writer sends, so the end check finds all of them with one search. */
  readonly #marker: string;
  readonly #skuPrefix: string;
  readonly #clock: FaultClock;
  #sequence = 0;

  constructor(run: string, vu: number, clock: FaultClock) {
    // "…v1x" is no substring of "…v11x": each writer's search finds its own products only.
    this.#marker = `fw${run}v${vu}x`;
    this.#skuPrefix = `FW-${run}-${vu}`;
    this.#clock = clock;
  }

  /** One write, drawn from the mix below; creates until it owns a few products. */
  writeOnce(): void {
    const live = this.#owned.filter((product) => product.live);
    const roll = Math.random();
    if (live.length < 3 || roll < 0.15) return this.#create(pick(CATEGORIES), 201);
    const product = pick(live);
    if (roll < 0.6) return this.#update(product, { priceCents: price(), stock: this.#nextStock() }, 200);
    if (roll < 0.7) return this.#delete(product);
    if (roll < 0.8)
      return this.#update(product, { priceCents: price(), stock: this.#nextStock(), category: NO_SUCH_CATEGORY }, 422);
    if (roll < 0.9) return this.#create(NO_SUCH_CATEGORY, 422);
    return this.#create(pick(CATEGORIES), 409, product.requested.sku);
  }

  /**
   * The end check: every product this writer sent, read from the database (one search by its
   * marker, past the cache), judged against the ledger. Run when the schedule is over.
   */
  verify(): void {
    for (const counter of [acknowledgedLost, acknowledgedAltered, refusedApplied, unknownApplied]) counter.add(0);
    const rows = this.#readBack();
    if (!rows) return;
    for (const product of this.#owned) {
      const { verdict, unknownApplied: applied } = product.judge(rows.get(product.name));
      productsChecked.add(1);
      if (applied) unknownApplied.add(1);
      if (verdict === 'lost') acknowledgedLost.add(1);
      if (verdict === 'altered') acknowledgedAltered.add(1);
      if (verdict === 'refused-applied') refusedApplied.add(1);
      if (verdict !== 'ok')
        console.error(
          `end check: ${product.name} (id ${product.id ?? '?'}): ${verdict}; database has ${JSON.stringify(rows.get(product.name) ?? null)}`,
        );
    }
  }

  #nextStock(): number {
    return ++this.#sequence;
  }

  #create(category: string, designed: number, duplicateSku?: string): void {
    const sequence = this.#nextStock();
    const fields: ProductFields = {
      sku: duplicateSku ?? `${this.#skuPrefix}-${sequence}`,
      name: `Fault probe ${this.#marker} ${sequence}`,
      description: 'Written by k6/faults.ts',
      category,
      priceCents: price(),
      stock: sequence,
    };
    const product = new OwnedProduct(fields);
    this.#owned.push(product);
    const response = this.#send('POST', '/api/products', fields, designed);
    product.created(response.status, rowOf(response));
  }

  #update(product: OwnedProduct, fields: UpdateFields, designed: number): void {
    const response = this.#send('PATCH', `/api/products/${product.id}`, fields, designed);
    product.updated(response.status, fields, rowOf(response));
  }

  #delete(product: OwnedProduct): void {
    product.deleteAnswered(this.#send('DELETE', `/api/products/${product.id}`, undefined, 204).status);
  }

  /** One write, judged against its phase: 503 during a database fault, the designed status otherwise. */
  #send(
    method: 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body: unknown,
    designed: number,
  ): RefinedResponse<ResponseType> {
    const startedAt = Date.now();
    const tagged = phaseNow(this.#clock);
    const response = http.request(method, `${BASE_URL}${path}`, body === undefined ? null : JSON.stringify(body), {
      headers: {
        ...clientAddressHeader(),
        Authorization: `Bearer ${API_TOKEN}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      tags: { name: `write ${method}`, phase: tagged },
      responseCallback: http.expectedStatuses(isDatabaseFault(tagged) ? 503 : designed),
    });
    const phase = phaseOf(this.#clock, startedAt, Date.now());
    const asExpected = isDatabaseFault(phase) ? isCleanUnavailable(response) : response.status === designed;
    writeAsExpected.add(asExpected, { phase });
    writeOutcomes.add(1, { outcome: outcomeOf(response.status) });
    check(response, { [`write: ${isDatabaseFault(phase) ? '503 problem+json' : designed}`]: () => asExpected });
    return response;
  }

  /** Every row whose name carries this writer's marker, by name; undefined when the database would not answer. */
  #readBack(): Map<string, ProductRow> | undefined {
    const rows = new Map<string, ProductRow>();
    let cursor: string | null = null;
    do {
      const query = `q=${encodeURIComponent(this.#marker)}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = readPage(`${BASE_URL}/api/products?${query}`);
      if (!page) return undefined;
      for (const row of page.items) rows.set(row.name, row);
      cursor = page.nextCursor;
    } while (cursor);
    return rows;
  }
}

/** A search page from the database itself: the API token with no-store bypasses the cache. A few tries, then the check fails. */
function readPage(url: string): { items: ProductRow[]; nextCursor: string | null } | undefined {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const response = http.get(url, {
      headers: { ...clientAddressHeader(), Authorization: `Bearer ${API_TOKEN}`, 'Cache-Control': 'no-store' },
      tags: { name: 'end check' },
    });
    if (response.status === 200)
      return response.json() as unknown as { items: ProductRow[]; nextCursor: string | null };
    sleep(1);
  }
  acknowledgedLost.add(1, { reason: 'end check could not read the database' });
  console.error(`end check: ${url} did not answer 200: every write is counted as unverified`);
  return undefined;
}

/** The answer's product, for an acknowledged create or update. */
function rowOf(response: RefinedResponse<ResponseType>): ProductRow | undefined {
  return response.status === 200 || response.status === 201 ? (response.json() as unknown as ProductRow) : undefined;
}

/** What a write gets while the database fails: 503 problem+json with Retry-After, nothing else. */
function isCleanUnavailable(response: RefinedResponse<ResponseType>): boolean {
  return (
    response.status === 503 &&
    String(response.headers['Content-Type']).startsWith('application/problem+json') &&
    Boolean(response.headers['Retry-After'])
  );
}
