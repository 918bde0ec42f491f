/**
 * The object categories of the emoji-scene data set and the emoji art sets ("styles")
 * they are drawn in.
 *
 * Each category has a one-word lowercase answer (the token the model must produce) and
 * the Iconify icon name that draws it. Names are shared by all five training sets for
 * every category chosen here; `OVERRIDES` names an icon per set where needed.
 * `verifyCategories` checks at start-up that every category exists in every set it will
 * be drawn in, and fails loudly otherwise.
 *
 * Choice: everyday, visually distinct objects (no faces, people, flags or symbols), one
 * of each near-duplicate family (e.g. car but not taxi), so that the one-word answer is
 * determined by the picture in every style including the monochrome line-art one.
 */
import { iconNames } from "./iconify.ts";

/** The five training styles (Iconify set prefixes). */
export const TRAIN_STYLES = [
  "twemoji",
  "noto",
  "fluent-emoji-flat",
  "openmoji",
  "fluent-emoji-high-contrast",
] as const;

/**
 * Reserved out-of-style sets: never drawn in training data, only in separately named
 * evaluation splits (`ood-<set>`), to measure generalisation to an unseen art style.
 */
export const OOD_STYLES = ["emojione", "noto-v1"] as const;

/**
 * Extra training-only sets, drawn in the domain-randomised training split (`train-dr`)
 * only: more art styles in training is what should help the model name objects in an
 * art style it never saw (the `ood-*` splits). They are never drawn in heldout,
 * heldout-dr, robust or ood-*, so every evaluation set and its targets stay as they
 * are. They need not draw every category: categories a set lacks are simply not drawn
 * in its scenes (`categoriesFor`, as for the reserved sets); `verifyCategories` fails
 * if one covers fewer than MIN_EXTRA_COVERAGE of the table. None is of the emojione or
 * noto-v1 family (emojione-v1, emojione-monotone would leak the reserved styles).
 */
export const EXTRA_TRAIN_STYLES = ["fxemoji", "streamline-emojis", "fluent-emoji"] as const;

/** Least share of the categories an extra training set must draw. */
export const MIN_EXTRA_COVERAGE = 0.6;

export type Style =
  (typeof TRAIN_STYLES)[number] | (typeof OOD_STYLES)[number] | (typeof EXTRA_TRAIN_STYLES)[number];
export const ALL_STYLES: readonly Style[] = [...TRAIN_STYLES, ...EXTRA_TRAIN_STYLES, ...OOD_STYLES];

export function isExtraTrainStyle(style: string): boolean {
  return (EXTRA_TRAIN_STYLES as readonly string[]).includes(style);
}

/** Sets that draw in currentColor only; the compositor tints them per scene. */
export const MONOCHROME_STYLES: ReadonlySet<Style> = new Set<Style>(["fluent-emoji-high-contrast"]);

export function isStyle(name: string): name is Style {
  return (ALL_STYLES as readonly string[]).includes(name);
}

export interface Category {
  /** One-word lowercase answer. */
  name: string;
  /** Default Iconify icon name. */
  icon: string;
  /** Per-set icon name where it differs from `icon`. */
  icons?: Partial<Record<Style, string>>;
}

/** [answer, icon] pairs; the icon defaults to the answer. */
const TABLE: ReadonlyArray<readonly [string, string?]> = [
  // animals
  ["cat"],
  ["dog"],
  ["rabbit"],
  ["horse"],
  ["cow"],
  ["pig"],
  ["tiger"],
  ["lion"],
  ["bear"],
  ["panda"],
  ["fox"],
  ["monkey"],
  ["elephant"],
  ["giraffe"],
  ["zebra"],
  ["camel", "two-hump-camel"],
  ["deer"],
  ["sheep", "ewe"],
  ["chicken"],
  ["duck"],
  ["penguin"],
  ["owl"],
  ["flamingo"],
  ["frog"],
  ["turtle"],
  ["snake"],
  ["whale", "spouting-whale"],
  ["shark"],
  ["fish", "tropical-fish"],
  ["octopus"],
  ["crab"],
  ["snail"],
  ["butterfly"],
  ["bee", "honeybee"],
  ["ladybug", "lady-beetle"],
  ["spider"],
  ["bat"],
  ["dinosaur", "t-rex"],
  // food
  ["apple", "red-apple"],
  ["banana"],
  ["grapes"],
  ["strawberry"],
  ["cherry", "cherries"],
  ["lemon"],
  ["pineapple"],
  ["watermelon"],
  ["carrot"],
  ["broccoli"],
  ["corn", "ear-of-corn"],
  ["eggplant"],
  ["mushroom"],
  ["pizza"],
  ["hamburger"],
  ["hotdog", "hot-dog"],
  ["taco"],
  ["bread"],
  ["cheese", "cheese-wedge"],
  ["egg"],
  ["doughnut"],
  ["cake", "birthday-cake"],
  ["popcorn"],
  // music, devices, tools, household, clothing
  ["guitar"],
  ["trumpet"],
  ["drum"],
  ["piano", "musical-keyboard"],
  ["headphones", "headphone"],
  ["bell"],
  ["camera"],
  ["telephone"],
  ["laptop"],
  ["television"],
  ["clock", "alarm-clock"],
  ["lightbulb", "light-bulb"],
  ["key", "old-key"],
  ["hammer"],
  ["scissors"],
  ["umbrella"],
  ["balloon"],
  ["gift", "wrapped-gift"],
  ["trophy"],
  ["crown"],
  ["dress"],
  ["shirt", "t-shirt"],
  ["jeans"],
  ["shoe", "running-shoe"],
  ["hat", "top-hat"],
  ["backpack"],
  ["book", "closed-book"],
  ["pencil"],
  ["chair"],
  ["bed"],
  ["teddy", "teddy-bear"],
  ["dice", "game-die"],
  ["robot"],
  ["ghost"],
  // vehicles
  ["car", "automobile"],
  ["bus"],
  ["truck", "delivery-truck"],
  ["tractor"],
  ["bicycle"],
  ["motorcycle"],
  ["train", "locomotive"],
  ["airplane"],
  ["helicopter"],
  ["sailboat"],
  ["ship"],
  ["rocket"],
  ["skateboard"],
  // sports balls
  ["soccer", "soccer-ball"],
  ["basketball"],
  ["baseball"],
  ["bowling"],
  ["football", "american-football"],
  // nature and places
  ["tree", "deciduous-tree"],
  ["cactus"],
  ["palm", "palm-tree"],
  ["sunflower"],
  ["rose"],
  ["leaf", "maple-leaf"],
  ["cloud"],
  ["sun"],
  ["moon", "crescent-moon"],
  ["star"],
  ["rainbow"],
  ["snowflake"],
  ["fire"],
  ["mountain", "snow-capped-mountain"],
  ["house"],
  ["tent"],
];

/**
 * Per-set icon names where a set names the object differently. Only the partial sets
 * need any: they predate some emoji or name them their own way, so categories they lack
 * are simply absent from their scenes (see `categoriesFor`). Each extra-set entry was
 * checked by eye on a contact sheet of the set; doubtful pictures (fxemoji's fox
 * smileys and its desktop "personalcomputer" for "laptop", a Christmas tree for "tree")
 * are left out rather than mapped.
 */
const FX = "fxemoji";
const SE = "streamline-emojis";
const OVERRIDES: Readonly<Record<string, Partial<Record<Style, string>>>> = {
  panda: { [FX]: "pandaface", [SE]: "panda-face" },
  lion: { [SE]: "lion-face" },
  bear: { [SE]: "bear-face" },
  fox: { [SE]: "fox-face-1" },
  camel: { [FX]: "bactriancamel", [SE]: "camel" },
  sheep: { [FX]: "sheep", [SE]: "ewe-1" },
  penguin: { [SE]: "penguin-1" },
  frog: { [SE]: "frog-face" },
  whale: { [FX]: "spurtingwhale" },
  fish: { [FX]: "tropicalfish" },
  ladybug: { [FX]: "ladybeetle" },
  apple: { [FX]: "redapple" },
  strawberry: { [SE]: "strawberry-1" },
  watermelon: { [SE]: "watermelon-1" },
  corn: { [FX]: "earofmaize" },
  eggplant: { [FX]: "aubergine" },
  pizza: { [FX]: "sliceofpizza", [SE]: "pizza-1" },
  hamburger: { [SE]: "hamburger-1" },
  doughnut: { [SE]: "doughnut-1" },
  cake: { [FX]: "birthdaycake", [SE]: "birthday-cake-1" },
  piano: { [FX]: "musicalkeyboard" },
  telephone: { [FX]: "blacktelephone" },
  clock: { [FX]: "alarmclock" },
  lightbulb: { [FX]: "lightbulb" },
  key: { [FX]: "oldkey" },
  scissors: { [FX]: "blackscissors" },
  gift: { [FX]: "present", [SE]: "wrapped-gift-1" },
  shirt: { [FX]: "mansshirt" },
  shoe: { [FX]: "mensshoe" },
  hat: { [FX]: "tophat", [SE]: "womans-hat" },
  backpack: { [FX]: "schoolsatchel", [SE]: "school-backpack" },
  book: { [FX]: "closedbook", [SE]: "green-book" },
  dice: { [FX]: "gamedie", [SE]: "game-dice" },
  robot: { emojione: "robot-face", [SE]: "robot-face-1" },
  truck: { [FX]: "deliverytruck" },
  train: { [FX]: "steamlocomotive" },
  soccer: { [FX]: "soccerball" },
  football: { [FX]: "americanfootball" },
  basketball: { [FX]: "basketballandhoop" },
  tree: { [FX]: "deciduoustree" },
  palm: { [FX]: "palmtree" },
  leaf: { [FX]: "mapleleaf" },
  cactus: { [SE]: "cactus-1" },
  sunflower: { [SE]: "sunflower-1" },
  cloud: { [SE]: "cloud-1" },
  sun: { [FX]: "whitesun", [SE]: "sun-with-face" },
  moon: { [FX]: "crescentmoon" },
  mountain: { [FX]: "snowmountains" },
  house: { [FX]: "housebuilding" },
};

/**
 * Icons that crash the renderer (@resvg/resvg-js 2.6.2 panics, aborting the process, on
 * noto-v1's lady-beetle). Found by rasterising every category of every set at 32, 128
 * and 256 px; only reserved evaluation sets are affected, where the category is dropped.
 * The extra training sets (fxemoji, streamline-emojis, fluent-emoji), checked the same
 * way when added, had no failures (categories.test.ts keeps checking them at 32 px).
 */
const UNRENDERABLE: Readonly<Partial<Record<Style, readonly string[]>>> = {
  "noto-v1": ["ladybug"],
};

export const CATEGORIES: readonly Category[] = TABLE.map(([name, icon]) => {
  const icons = OVERRIDES[name];
  return icons ? { name, icon: icon ?? name, icons } : { name, icon: icon ?? name };
});

export const CATEGORY_NAMES: readonly string[] = CATEGORIES.map((c) => c.name);

export function iconFor(category: Category, style: Style): string {
  return category.icons?.[style] ?? category.icon;
}

/** The categories `style` can draw (all of them for the five main training styles). */
export function categoriesFor(style: Style): Category[] {
  const names = iconNames(style);
  const broken = UNRENDERABLE[style] ?? [];
  return CATEGORIES.filter((c) => names.has(iconFor(c, style)) && !broken.includes(c.name));
}

/**
 * Throws if a category name is not a lowercase single word, is duplicated, or has no
 * icon in one of `styles`. Called before any generation so that a package update that
 * renames an icon cannot silently drop a category from a training style. An extra
 * training set may lack categories, but must draw at least MIN_EXTRA_COVERAGE of them
 * and every icon its overrides name (a renamed override would drop a category silently).
 */
export function verifyCategories(styles: readonly Style[] = TRAIN_STYLES): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const c of CATEGORIES) {
    if (!/^[a-z]+$/.test(c.name)) problems.push(`category "${c.name}" is not one lowercase word`);
    if (seen.has(c.name)) problems.push(`category "${c.name}" is listed twice`);
    seen.add(c.name);
  }
  for (const style of styles) {
    const names = iconNames(style);
    for (const name of UNRENDERABLE[style] ?? [])
      problems.push(`${style}: "${name}" cannot be drawn`);
    if (isExtraTrainStyle(style)) {
      for (const c of CATEGORIES) {
        const icon = c.icons?.[style];
        if (icon !== undefined && !names.has(icon))
          problems.push(`${style}: no icon "${icon}" for category "${c.name}" (override)`);
      }
      const share = categoriesFor(style).length / CATEGORIES.length;
      if (share < MIN_EXTRA_COVERAGE)
        problems.push(`${style}: draws ${(100 * share).toFixed(0)}% of the categories`);
      continue;
    }
    for (const c of CATEGORIES) {
      const icon = iconFor(c, style);
      if (!names.has(icon)) problems.push(`${style}: no icon "${icon}" for category "${c.name}"`);
    }
  }
  if (problems.length) throw new Error(`category table is broken:\n  ${problems.join("\n  ")}`);
}
