import { Button, Tooltip } from '@fluentui/react-components';
import { CheckmarkRegular, CopyRegular } from '@fluentui/react-icons';
import { useState } from 'react';

/** "Copy to clipboard" next to an ID or a secret, as in the admin center. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // Without clipboard permission (some embedded browsers), select-and-copy still works on the text.
      return;
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return (
    <Tooltip content={copied ? 'Copied' : 'Copy to clipboard'} relationship="description">
      <Button
        appearance="subtle"
        size="small"
        icon={copied ? <CheckmarkRegular /> : <CopyRegular />}
        aria-label={`Copy ${label} to clipboard`}
        onClick={() => void copy()}
      />
    </Tooltip>
  );
}
