/**
 * Where image sets come in: drop folders or files, pick a folder or several files, or take
 * bundled sample sets. Checking and decoding the files is the sets store's job.
 */
import { useId, useState, type DragEvent } from "react";
import { useSetsStore } from "../../store/sets-store";
import { dropEntries, foldersToSets, type PathFile } from "./folder-sets";
import { folderSetFiles } from "./set-files";
import { SampleSetPicker } from "./SampleSetPicker";

const LOOSE_SET = "Dropped files";

async function addFolders(files: PathFile<File>[], looseName: string) {
  const folders = foldersToSets(files, looseName);
  const lists = await Promise.all(folders.map(folderSetFiles));
  // Every set is listed at once (before any is prepared), so Run cannot start on a part.
  const { addSet } = useSetsStore.getState();
  await Promise.all(folders.map((folder, i) => addSet(folder.name, lists[i]!)));
}

export function SetIntake() {
  const filesId = useId();
  const folderId = useId();
  const [dragging, setDragging] = useState(false);
  const [hint, setHint] = useState<string | null>(null);

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    const readers = dropEntries(event.dataTransfer.items);
    if (readers.length === 0) {
      setHint("That was not a file or folder. Drop image folders or files, or use the pickers.");
      return;
    }
    setHint(null);
    void Promise.all(readers.map((read) => read())).then((lists) =>
      addFolders(lists.flat(), LOOSE_SET),
    );
  };

  return (
    <div className="sets-intake">
      <div
        className="sets-drop-zone"
        data-dragging={dragging}
        data-testid="sets-drop-zone"
        onDragOver={(event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = "copy";
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p className="intake-hint">
          Drop folders here: each folder is a set (a folder of folders gives one set per subfolder),
          labelled by its labels.json like <code>headflow sets --set DIR</code>.
        </p>
        <div className="sets-pickers">
          <label htmlFor={folderId}>Set folder</label>
          <input
            id={folderId}
            type="file"
            {...{ webkitdirectory: "" }}
            onChange={(event) => {
              const files = Array.from(event.currentTarget.files ?? []);
              event.currentTarget.value = "";
              void addFolders(
                files.map((file) => ({ path: file.webkitRelativePath || file.name, file })),
                LOOSE_SET,
              );
            }}
          />
          <label htmlFor={filesId}>Set images</label>
          <input
            id={filesId}
            type="file"
            multiple
            accept="image/png,image/jpeg,image/webp,image/gif"
            onChange={(event) => {
              const files = Array.from(event.currentTarget.files ?? []);
              event.currentTarget.value = "";
              void addFolders(
                files.map((file) => ({ path: file.name, file })),
                "Chosen images",
              );
            }}
          />
        </div>
        {hint !== null && <p className="intake-hint">{hint}</p>}
      </div>
      <SampleSetPicker />
    </div>
  );
}
