/**
 * Reading Iconify icon-set JSON (node_modules/@iconify-json/<set>/icons.json) and
 * turning one icon into a standalone SVG string for resvg.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

interface IconifyIcon {
  body: string;
  left?: number;
  top?: number;
  width?: number;
  height?: number;
  rotate?: number;
  hFlip?: boolean;
  vFlip?: boolean;
}

interface IconifyAlias extends Omit<IconifyIcon, "body"> {
  parent: string;
}

export interface IconifySet {
  prefix: string;
  width?: number;
  height?: number;
  left?: number;
  top?: number;
  icons: Record<string, IconifyIcon>;
  aliases?: Record<string, IconifyAlias>;
}

export interface IconifyInfo {
  name: string;
  author?: { name: string; url?: string };
  license?: { title: string; spdx?: string; url?: string };
  version?: string;
}

/** A fully resolved icon: body plus its viewBox and the transforms aliases add. */
export interface ResolvedIcon {
  body: string;
  left: number;
  top: number;
  width: number;
  height: number;
  rotate: number; // quarter turns
  hFlip: boolean;
  vFlip: boolean;
}

const require = createRequire(import.meta.url);
const setCache = new Map<string, IconifySet>();

function packageDir(set: string): string {
  return dirname(require.resolve(`@iconify-json/${set}/package.json`));
}

export function loadIconSet(set: string): IconifySet {
  let data = setCache.get(set);
  if (!data) {
    data = JSON.parse(readFileSync(join(packageDir(set), "icons.json"), "utf8")) as IconifySet;
    setCache.set(set, data);
  }
  return data;
}

export function loadIconSetInfo(set: string): IconifyInfo {
  return JSON.parse(readFileSync(join(packageDir(set), "info.json"), "utf8")) as IconifyInfo;
}

/** Version of the npm package @iconify-json/<set>. */
export function iconSetPackageVersion(set: string): string {
  const pkg = JSON.parse(readFileSync(join(packageDir(set), "package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** Icon names and alias names of a set. */
export function iconNames(set: string): Set<string> {
  const data = loadIconSet(set);
  return new Set([...Object.keys(data.icons), ...Object.keys(data.aliases ?? {})]);
}

/**
 * Resolves `name` in `set`, following alias chains. Alias transforms compose the way
 * Iconify composes them: flips toggle, rotations add.
 */
export function resolveIcon(set: string, name: string): ResolvedIcon | undefined {
  const data = loadIconSet(set);
  let rotate = 0;
  let hFlip = false;
  let vFlip = false;
  let current = name;
  let overrides: Partial<IconifyIcon> = {};
  for (let depth = 0; depth < 8; depth++) {
    const icon = data.icons[current];
    if (icon) {
      return {
        body: icon.body,
        left: overrides.left ?? icon.left ?? data.left ?? 0,
        top: overrides.top ?? icon.top ?? data.top ?? 0,
        width: overrides.width ?? icon.width ?? data.width ?? 16,
        height: overrides.height ?? icon.height ?? data.height ?? 16,
        rotate: (rotate + (icon.rotate ?? 0)) % 4,
        hFlip: hFlip !== (icon.hFlip ?? false),
        vFlip: vFlip !== (icon.vFlip ?? false),
      };
    }
    const alias = data.aliases?.[current];
    if (!alias) return undefined;
    rotate += alias.rotate ?? 0;
    if (alias.hFlip) hFlip = !hFlip;
    if (alias.vFlip) vFlip = !vFlip;
    // The alias nearest to the requested name wins for viewBox overrides.
    overrides = { ...alias, ...overrides };
    current = alias.parent;
  }
  return undefined;
}

/**
 * Standalone SVG of `icon` rendered into a `size` x `size` square (aspect kept,
 * centred). `color` replaces currentColor, which monochrome sets draw with.
 */
export function iconSvg(icon: ResolvedIcon, size: number, color = "#000000"): string {
  const { left, top, width, height } = icon;
  const cx = left + width / 2;
  const cy = top + height / 2;
  const transforms: string[] = [];
  // Flips and quarter turns about the icon's centre; odd turns swap the viewBox sides.
  if (icon.hFlip || icon.vFlip) {
    transforms.push(
      `translate(${cx} ${cy}) scale(${icon.hFlip ? -1 : 1} ${icon.vFlip ? -1 : 1}) translate(${-cx} ${-cy})`,
    );
  }
  if (icon.rotate) transforms.unshift(`rotate(${icon.rotate * 90} ${cx} ${cy})`);
  const body = transforms.length
    ? `<g transform="${transforms.join(" ")}">${icon.body}</g>`
    : icon.body;
  const odd = icon.rotate % 2 === 1;
  const vbW = odd ? height : width;
  const vbH = odd ? width : height;
  const vbX = cx - vbW / 2;
  const vbY = cy - vbH / 2;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
    `viewBox="${vbX} ${vbY} ${vbW} ${vbH}" width="${size}" height="${size}" ` +
    `preserveAspectRatio="xMidYMid meet" color="${color}">` +
    body.replaceAll("currentColor", color) +
    `</svg>`
  );
}
