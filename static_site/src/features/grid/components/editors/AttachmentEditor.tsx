import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useApi } from "../../../../shared/api";
import { signedFileUrl, uploadFiles } from "../../api/records";
import { type Attachment, attachmentsOf, type Field, isImage } from "../../editing/fields";

interface Props {
  field: Field;
  label: string;
  value: unknown;
  onChange: (value: unknown) => void;
  table: string;
}

/** The files of a cell: upload more (through the files API, checked against the column's rules), remove, preview images. */
export function AttachmentEditor({ field, label, value, onChange, table }: Props) {
  const files = attachmentsOf(value);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const upload = async (chosen: FileList | null) => {
    if (chosen === null || chosen.length === 0) return;
    setBusy(true);
    setError(null);
    try {
      const added = await uploadFiles([...chosen], table, field.name);
      onChange([...files, ...added]);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="attachment-editor" role="group" aria-label={label}>
      <ul className="attachment-list" aria-label="Files">
        {files.map((file) => (
          <li key={file.key}>
            {isImage(file) && <Thumbnail file={file} />}
            <span className="attachment-name">{file.name}</span>
            <button
              type="button"
              className="link-button"
              aria-label={`Remove ${file.name}`}
              onClick={() => onChange(files.filter((item) => item.key !== file.key))}
            >
              ×
            </button>
          </li>
        ))}
        {files.length === 0 && <li className="muted">No files</li>}
      </ul>
      <label className="upload-button">
        {busy ? "Uploading…" : "Upload files"}
        <input
          type="file"
          multiple
          aria-label="Upload files"
          disabled={busy}
          onChange={(event) => void upload(event.target.files)}
        />
      </label>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** An image through a signed link (`GET /rest/files/{key}?signed=true`), which needs no key header. */
function Thumbnail({ file }: { file: Attachment }) {
  const api = useApi();
  const link = useQuery({
    queryKey: ["signed-file", file.key],
    queryFn: () => signedFileUrl(api, file.key),
    staleTime: 30 * 60_000,
  });
  if (link.data === undefined) return <span className="thumbnail placeholder" aria-hidden="true" />;
  return <img className="thumbnail" src={link.data} alt={`Preview of ${file.name}`} />;
}
