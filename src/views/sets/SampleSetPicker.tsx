/**
 * The bundled sample sets (public/samples/sets/labels.json): pick categories and styles,
 * and each chosen category becomes a set. Optional: without the index, nothing is shown.
 */
import { useEffect, useState } from "react";
import { SAMPLES_BASE_URL } from "../../store/samples-store";
import { chooseSamples, parseSampleIndex, type SampleIndex } from "../../store/sets-labels";
import { useSetsStore } from "../../store/sets-store";
import { sampleSetFiles } from "./set-files";

const SETS_URL = `${SAMPLES_BASE_URL}sets/`;

function useSampleIndex(): SampleIndex | string | null {
  const [index, setIndex] = useState<SampleIndex | string | null>(null);
  useEffect(() => {
    let live = true;
    fetch(`${SETS_URL}labels.json`)
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json() as Promise<unknown>;
      })
      .then(
        (json) => live && setIndex(parseSampleIndex(json)),
        (error: unknown) => live && setIndex(`the sample sets are unavailable (${String(error)})`),
      );
    return () => {
      live = false;
    };
  }, []);
  return index;
}

function toggle(list: readonly string[], value: string, on: boolean): string[] {
  return on ? [...list, value] : list.filter((v) => v !== value);
}

export function SampleSetPicker() {
  const index = useSampleIndex();
  const [categories, setCategories] = useState<string[] | null>(null);
  const [styles, setStyles] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  if (index === null) return null;
  if (typeof index === "string") return <p className="hint">{index}</p>;
  const chosenCategories = categories ?? index.categories;
  const chosenStyles = styles ?? index.styles;
  const chosen = chooseSamples(index, chosenCategories, chosenStyles);
  const count = [...chosen.values()].reduce((n, items) => n + items.length, 0);

  const add = async () => {
    setBusy(true);
    try {
      const sets = [...chosen];
      const lists = await Promise.all(sets.map(([, items]) => sampleSetFiles(items, SETS_URL)));
      // Every set is listed at once (before any is prepared), so Run cannot start on a part.
      const { addSet } = useSetsStore.getState();
      await Promise.all(sets.map(([name], i) => addSet(name, lists[i]!)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset className="sample-sets">
      <legend>Bundled sample sets</legend>
      <CheckboxGroup
        label="Sample categories"
        options={index.categories}
        chosen={chosenCategories}
        onChange={setCategories}
      />
      <CheckboxGroup
        label="Sample styles"
        options={index.styles}
        chosen={chosenStyles}
        onChange={setStyles}
      />
      <button type="button" disabled={count === 0 || busy} onClick={() => void add()}>
        Add sample sets
      </button>{" "}
      <span className="hint">
        {chosen.size} sets, {count} images
      </span>
    </fieldset>
  );
}

/** One checkbox per option; `onChange` gets the new choice. */
function CheckboxGroup(props: {
  label: string;
  options: readonly string[];
  chosen: readonly string[];
  onChange: (chosen: string[]) => void;
}) {
  return (
    <div role="group" aria-label={props.label} className="checks">
      {props.options.map((option) => (
        <label key={option}>
          <input
            type="checkbox"
            checked={props.chosen.includes(option)}
            onChange={(event) =>
              props.onChange(toggle(props.chosen, option, event.currentTarget.checked))
            }
          />
          {option}
        </label>
      ))}
    </div>
  );
}
