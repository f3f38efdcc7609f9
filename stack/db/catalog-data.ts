// Deterministic catalog data for the seed: a fixed PRNG seed, so two runs give identical rows.

export interface SeedCategory {
  slug: string;
  name: string;
}

export interface SeedProduct {
  sku: string;
  name: string;
  description: string;
  categorySlug: string;
  priceCents: number;
  stock: number;
  createdAt: Date;
}

const CATEGORY_NOUNS: Record<string, readonly string[]> = {
  Audio: ['Headphones', 'Speaker', 'Soundbar', 'Earbuds', 'Turntable'],
  Books: ['Cookbook', 'Novel', 'Field Guide', 'Atlas', 'Notebook'],
  Cameras: ['Camera', 'Lens', 'Tripod', 'Flash', 'Camera Bag'],
  Camping: ['Tent', 'Sleeping Bag', 'Lantern', 'Camp Stove', 'Hammock'],
  Coffee: ['Grinder', 'Pour-Over Kettle', 'Espresso Cup', 'French Press', 'Coffee Beans'],
  Cycling: ['Helmet', 'Bike Light', 'Saddle', 'Pump', 'Jersey'],
  Desk: ['Desk Lamp', 'Monitor Stand', 'Desk Mat', 'Pen Holder', 'Chair'],
  Fitness: ['Yoga Mat', 'Kettlebell', 'Jump Rope', 'Foam Roller', 'Dumbbell'],
  Footwear: ['Sneakers', 'Boots', 'Sandals', 'Loafers', 'Slippers'],
  Garden: ['Watering Can', 'Pruner', 'Planter', 'Trowel', 'Hose'],
  Gaming: ['Controller', 'Headset', 'Mouse', 'Keyboard', 'Game Chair'],
  'Home Decor': ['Vase', 'Rug', 'Wall Clock', 'Mirror', 'Throw Pillow'],
  Kitchen: ['Chef Knife', 'Skillet', 'Cutting Board', 'Dutch Oven', 'Mixing Bowl'],
  Lighting: ['Floor Lamp', 'Pendant Light', 'LED Strip', 'Bulb', 'Sconce'],
  Luggage: ['Carry-On', 'Backpack', 'Duffel', 'Packing Cube', 'Suitcase'],
  Music: ['Guitar', 'Ukulele', 'Keyboard Stand', 'Metronome', 'Capo'],
  Office: ['Stapler', 'Planner', 'Whiteboard', 'File Box', 'Label Maker'],
  Outdoor: ['Cooler', 'Picnic Blanket', 'Folding Chair', 'Umbrella', 'Binoculars'],
  Pets: ['Dog Bed', 'Cat Tree', 'Leash', 'Pet Bowl', 'Chew Toy'],
  Phones: ['Phone Case', 'Charger', 'Power Bank', 'Screen Protector', 'Cable'],
  'Smart Home': ['Thermostat', 'Smart Plug', 'Doorbell', 'Hub', 'Sensor'],
  Tea: ['Teapot', 'Tea Tin', 'Infuser', 'Matcha Whisk', 'Loose Leaf Tea'],
  Tools: ['Drill', 'Screwdriver Set', 'Tape Measure', 'Level', 'Wrench'],
  Toys: ['Puzzle', 'Building Set', 'Plush Bear', 'Kite', 'Board Game'],
  Watches: ['Watch', 'Watch Strap', 'Smartwatch', 'Pocket Watch', 'Watch Box'],
};

const ADJECTIVES = [
  'Classic',
  'Compact',
  'Deluxe',
  'Eco',
  'Ergonomic',
  'Everyday',
  'Heritage',
  'Lightweight',
  'Modern',
  'Nordic',
  'Portable',
  'Premium',
  'Rugged',
  'Sleek',
  'Smart',
  'Vintage',
  'Wireless',
  'Handmade',
];
const MATERIALS = [
  'Bamboo',
  'Canvas',
  'Ceramic',
  'Copper',
  'Cotton',
  'Leather',
  'Linen',
  'Maple',
  'Oak',
  'Recycled',
  'Steel',
  'Titanium',
  'Walnut',
  'Wool',
  'Aluminium',
  'Glass',
];
const COLORS = ['black', 'white', 'slate', 'sand', 'forest green', 'navy', 'terracotta', 'graphite', 'ivory'];

export const SEED = 20261125;
/** Seeded products were created a minute apart from this instant on, in sku order. */
const FIRST_CREATED_AT = Date.UTC(2025, 0, 1);

/** mulberry32: a tiny, well-distributed 32-bit PRNG. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function seedCategories(): SeedCategory[] {
  return Object.keys(CATEGORY_NOUNS).map((name) => ({ slug: slugify(name), name }));
}

/** `count` products, round-robin over the categories, identical for identical `count`. */
export function seedProducts(count: number): SeedProduct[] {
  const random = createRandom(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const categories = Object.entries(CATEGORY_NOUNS);
  const products: SeedProduct[] = [];
  for (let index = 0; index < count; index++) {
    const [categoryName, nouns] = categories[index % categories.length]!;
    const noun = pick(nouns);
    const name = `${pick(ADJECTIVES)} ${pick(MATERIALS)} ${noun}`;
    // Log-uniform prices from $4.99 to about $2,000, ending in .99.
    const priceCents = Math.round(Math.exp(6.2 + random() * 6) / 100) * 100 - 1;
    const stock = random() < 0.08 ? 0 : Math.floor(random() * 500);
    products.push({
      sku: `SKU-${String(index + 1).padStart(6, '0')}`,
      name,
      description: `A ${pick(COLORS)} ${name.toLowerCase()} from our ${categoryName.toLowerCase()} range.`,
      categorySlug: slugify(categoryName),
      priceCents,
      stock,
      // Independent of `count`: seeding more products adds rows without rewriting the first ones.
      createdAt: new Date(FIRST_CREATED_AT + index * 60_000),
    });
  }
  return products;
}
