import { Dropdown, Field, Option } from '@fluentui/react-components';

/** A labelled single-choice filter: [value, label] pairs. */
export function FilterDropdown(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: [string, string][];
  className?: string;
}) {
  return (
    <Field label={props.label} className={props.className} style={{ minWidth: '150px' }}>
      <Dropdown
        value={props.options.find(([k]) => k === props.value)?.[1]}
        selectedOptions={[props.value]}
        onOptionSelect={(_e, d) => props.onChange(String(d.optionValue))}
      >
        {props.options.map(([k, v]) => (
          <Option key={k} value={k}>
            {v}
          </Option>
        ))}
      </Dropdown>
    </Field>
  );
}
