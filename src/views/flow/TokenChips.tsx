/**
 * The prompt's text tokens in order, coloured by group, with the image's place marked.
 * Hovering or focusing a token shows the patches it reads; clicking pins it. When a patch
 * is hovered instead, each token's brightness says how much it reads that patch.
 */
import type { FlowResult } from "../../engine";
import { GROUP_COLOURS, GROUP_LABELS } from "./flow-geometry";
import type { TextToken } from "./token-links";

export interface TokenChipsProps {
  tokens: readonly TextToken[];
  result: FlowResult;
  /** Brightness per position (0..1) while a patch is hovered; null otherwise. */
  lights: Map<number, number> | null;
  active: number | null;
  pinned: number | null;
  onEnter(position: number): void;
  onLeave(): void;
  onPin(position: number): void;
}

export function TokenChips(props: TokenChipsProps) {
  const { tokens, result, lights } = props;
  const imageAt = result.groups.question[0] ?? Number.POSITIVE_INFINITY;
  const patches = result.groups.imageObject.length + result.groups.imageBackground.length;
  return (
    <ul className="token-chips" aria-label="Prompt tokens">
      {tokens.map((token, i) => {
        const light = lights?.get(token.position) ?? 0;
        const showImage = token.position >= imageAt && (tokens[i - 1]?.position ?? -1) < imageAt;
        return [
          showImage ? (
            <li key="image" className="token-chip image-chip" aria-hidden="true">
              image · {patches} patches
            </li>
          ) : null,
          <li key={token.position}>
            <button
              type="button"
              className="token-chip"
              aria-label={`Token ${token.text} (${GROUP_LABELS[token.group]}, position ${token.position})`}
              aria-pressed={props.pinned === token.position}
              data-group={token.group}
              data-light={lights ? light.toFixed(4) : undefined}
              style={{
                borderColor: GROUP_COLOURS[token.group],
                background:
                  lights !== null
                    ? `rgba(255, 140, 0, ${(0.85 * light).toFixed(3)})`
                    : props.active === token.position
                      ? "#fff1dc"
                      : undefined,
              }}
              onPointerEnter={() => props.onEnter(token.position)}
              onPointerLeave={props.onLeave}
              onFocus={() => props.onEnter(token.position)}
              onBlur={props.onLeave}
              onClick={() => props.onPin(token.position)}
            >
              {token.text}
            </button>
          </li>,
        ];
      })}
    </ul>
  );
}
