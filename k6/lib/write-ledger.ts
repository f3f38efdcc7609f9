// What one writer knows about a product it wrote, and what the database may show for it at the
// end. Only a 2xx acknowledges a write; a 4xx refuses it (it must never show); anything else (a
// 503, a lost connection) leaves it unknown: the database may have committed it before the
// answer was lost. Each writer writes only products it created, so its ledger is the whole truth.

export type Outcome = 'acknowledged' | 'refused' | 'unknown';

export function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return 'acknowledged';
  return status >= 400 && status < 500 ? 'refused' : 'unknown';
}

/** A product as the API returns it (the fields the end check compares). */
export interface ProductRow {
  id: number;
  sku: string;
  name: string;
  description: string;
  category: string;
  priceCents: number;
  stock: number;
  updatedAt: string;
}

export type ProductFields = Pick<ProductRow, 'sku' | 'name' | 'description' | 'category' | 'priceCents' | 'stock'>;
/** What an update sets. Writers draw `stock` from a counter, so no two writes set the same value. */
export type UpdateFields = Pick<ProductRow, 'priceCents' | 'stock'> & { category?: string };

export interface Judgement {
  /**
   * - `ok`: the database shows what the acknowledged writes say, and unknown ones may explain the rest;
   * - `lost`: an acknowledged write is not there (a missing product, or one an acknowledged delete should have removed);
   * - `altered`: the product differs from its acknowledged values in a way no unknown write explains;
   * - `refused-applied`: a refused write shows.
   */
  verdict: 'ok' | 'lost' | 'altered' | 'refused-applied';
  /** Whether a write whose answer was lost turns out to have been applied. */
  unknownApplied: boolean;
}

const FIXED_FIELDS = ['sku', 'name', 'description', 'category'] as const;

/** One create attempt (named uniquely, so the end check finds its row by name) and every later write to it. */
export class OwnedProduct {
  readonly requested: ProductFields;
  #created: Outcome | undefined;
  #id: number | undefined;
  /** The last acknowledged state: the create's or an update's answer. */
  #acknowledged: ProductRow | undefined;
  /** Updates with unknown outcomes since then. */
  #pending: UpdateFields[] = [];
  /** Stock values of refused updates. */
  #refusedStock: number[] = [];
  #deleted: Outcome | undefined;

  constructor(requested: ProductFields) {
    this.requested = { ...requested };
  }

  get name(): string {
    return this.requested.name;
  }

  get id(): number | undefined {
    return this.#id;
  }

  /** Acknowledged, not deleted nor asked to be: a product later writes may go to. */
  get live(): boolean {
    return this.#created === 'acknowledged' && this.#deleted === undefined;
  }

  created(status: number, answer: ProductRow | undefined): void {
    this.#created = outcomeOf(status);
    if (this.#created === 'acknowledged' && answer) {
      this.#id = answer.id;
      this.#acknowledged = answer;
    }
  }

  updated(status: number, fields: UpdateFields, answer: ProductRow | undefined): void {
    const outcome = outcomeOf(status);
    if (outcome === 'acknowledged' && answer) {
      this.#acknowledged = answer;
      this.#pending = [];
    } else if (outcome === 'refused') this.#refusedStock.push(fields.stock);
    else this.#pending.push({ ...fields });
  }

  deleteAnswered(status: number): void {
    this.#deleted = outcomeOf(status);
  }

  /** What the database's row for this product (or its absence) says about the writes. */
  judge(row: ProductRow | undefined): Judgement {
    const ok = (unknownApplied: boolean): Judgement => ({ verdict: 'ok', unknownApplied });
    const fail = (verdict: Judgement['verdict']): Judgement => ({ verdict, unknownApplied: false });
    if (this.#created === 'refused' || this.#created === undefined) return row ? fail('refused-applied') : ok(false);
    if (!row) {
      if (this.#created === 'unknown') return ok(false);
      return this.#deleted === 'acknowledged' || this.#deleted === 'unknown'
        ? ok(this.#deleted === 'unknown')
        : fail('lost');
    }
    if (this.#deleted === 'acknowledged') return fail('lost');
    if (this.#refusedStock.includes(row.stock)) return fail('refused-applied');
    // An unknown create is judged against its request; anything else against its last acknowledged answer.
    const base = this.#acknowledged ?? this.requested;
    if (this.#acknowledged && row.id !== this.#acknowledged.id) return fail('altered');
    if (FIXED_FIELDS.some((field) => row[field] !== base[field])) return fail('altered');
    const candidates = [base, ...this.#pending];
    const match = candidates.findIndex((values) => values.priceCents === row.priceCents && values.stock === row.stock);
    if (match === -1) return fail('altered');
    // Stock values are unique per write: the base's values mean no unknown update was applied since.
    if (match === 0 && this.#acknowledged && row.updatedAt !== this.#acknowledged.updatedAt) return fail('altered');
    return ok(match > 0 || this.#created === 'unknown');
  }
}
