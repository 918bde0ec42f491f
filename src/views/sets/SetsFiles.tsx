/** Export the sets result as the JSON `headflow sets` writes, and open such a file. */
import { useId } from "react";
import { useSetsStore } from "../../store/sets-store";
import { downloadText, safeFileName } from "../download";
import { errorMessage } from "../../engine";

export function SetsFiles() {
  const result = useSetsStore((store) => store.result);
  const openResult = useSetsStore((store) => store.openResult);
  const importError = useSetsStore((store) => store.importError);
  const inputId = useId();
  return (
    <div className="sets-files">
      <button
        type="button"
        disabled={result === null}
        onClick={() =>
          result &&
          downloadText(
            `${JSON.stringify(result.data, null, 2)}\n`,
            `${safeFileName(`headflow-sets-${result.data.model.id}-${result.data.fingerprint}`)}.json`,
            "application/json",
          )
        }
      >
        Export sets JSON
      </button>
      <label htmlFor={inputId}>Open sets JSON</label>
      <input
        id={inputId}
        type="file"
        accept="application/json,.json"
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          event.currentTarget.value = "";
          if (!file) return;
          void file.text().then(
            (text) => {
              let json: unknown;
              try {
                json = JSON.parse(text);
              } catch (error) {
                useSetsStore.setState({
                  importError: `${file.name} is not JSON: ${errorMessage(error)}`,
                });
                return;
              }
              openResult(json);
            },
            (error: unknown) =>
              useSetsStore.setState({
                importError: `${file.name} could not be read: ${errorMessage(error)}`,
              }),
          );
        }}
      />
      {importError !== null && (
        <p role="alert" className="error">
          {importError}
        </p>
      )}
    </div>
  );
}
