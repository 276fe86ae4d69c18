import { useState } from "react";

async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (an http page, a headless browser): the old way, from the selected input.
    input?.select();
    return document.execCommand("copy");
  }
}

/** A new key's secret, shown this once, with a Copy button. */
export function SecretOnce({ secret }: { secret: string }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  let input: HTMLInputElement | null = null;
  return (
    <div className="secret-once">
      <p>
        <strong>Copy the key now.</strong> It is shown only this once; PolarBase keeps only its hash.
      </p>
      <div className="field-row">
        <label className="field grow">
          <span>New API key</span>
          <input
            ref={(element) => {
              input = element;
            }}
            className="code"
            readOnly
            value={secret}
            onFocus={(event) => event.target.select()}
          />
        </label>
        <button type="button" className="primary" onClick={() => void copyText(secret, input).then(setCopied)}>
          Copy
        </button>
      </div>
      <p role="status" className="muted-inline">
        {copied === true ? "Copied to the clipboard." : copied === false ? "Select the key and copy it by hand." : ""}
      </p>
    </div>
  );
}
