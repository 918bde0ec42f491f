/** "Export CSV" and "Export JSON" of a view's numbers (the JSON is the CLI's schema). */
import { downloadText, safeFileName } from "../download";

export function DataExport(props: {
  fileName: string;
  csv: () => string;
  json: () => unknown;
  what: string;
}) {
  const name = safeFileName(props.fileName);
  return (
    <span className="trust-data-export">
      <button
        type="button"
        aria-label={`Export ${props.what} as CSV`}
        onClick={() => downloadText(props.csv(), `${name}.csv`, "text/csv")}
      >
        Export CSV
      </button>
      <button
        type="button"
        aria-label={`Export ${props.what} as JSON`}
        onClick={() =>
          downloadText(
            `${JSON.stringify(props.json(), null, 2)}\n`,
            `${name}.json`,
            "application/json",
          )
        }
      >
        Export JSON
      </button>
    </span>
  );
}
