/**
 * The heatmap as a standalone SVG file. On the page the SVG's look comes partly from CSS
 * (heatmap.css: fonts, tick colours, rings); a file has no stylesheet, so each element's
 * computed values of the properties that matter are written into its style attribute.
 * The DOM is serialised by XMLSerializer, which escapes all text (labels are never
 * written as markup).
 */

/** The presentation properties the heatmap's look depends on. */
const INLINE_PROPERTIES = [
  "fill",
  "fill-opacity",
  "stroke",
  "stroke-width",
  "stroke-dasharray",
  "opacity",
  "visibility",
  "font-family",
  "font-size",
  "font-weight",
  "text-anchor",
  "dominant-baseline",
  "stop-color",
] as const;

/** Attributes that only matter on the page (focus handling, the live tooltip). */
const PAGE_ONLY_ATTRIBUTES = ["tabindex", "aria-describedby", "class"];

export interface StandaloneSvg {
  text: string;
  width: number;
  height: number;
}

/**
 * A copy of the heatmap's <svg> that draws the same on its own: inline styles, a white
 * background, a <title>, and no keyboard-focus ring.
 */
export function standaloneSvg(svg: SVGSVGElement, title: string): StandaloneSvg {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const sources = [svg, ...svg.querySelectorAll("*")];
  const copies = [clone, ...clone.querySelectorAll("*")];
  sources.forEach((source, index) => {
    const copy = copies[index]!;
    const computed = getComputedStyle(source);
    const declarations = INLINE_PROPERTIES.map(
      (property) => `${property}:${computed.getPropertyValue(property)}`,
    );
    copy.setAttribute("style", declarations.join(";"));
  });
  // The focus ring follows the keyboard, not the analysis.
  clone.querySelector(".heatmap-focus-ring")?.remove();
  for (const element of [clone, ...clone.querySelectorAll("*")]) {
    for (const name of PAGE_ONLY_ATTRIBUTES) element.removeAttribute(name);
  }
  const width = Number(svg.getAttribute("width"));
  const height = Number(svg.getAttribute("height"));
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  const namespace = "http://www.w3.org/2000/svg";
  const background = document.createElementNS(namespace, "rect");
  background.setAttribute("width", String(width));
  background.setAttribute("height", String(height));
  background.setAttribute("fill", "#ffffff");
  const titleElement = document.createElementNS(namespace, "title");
  titleElement.textContent = title;
  clone.prepend(titleElement, background);
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}\n`;
  return { text, width, height };
}
