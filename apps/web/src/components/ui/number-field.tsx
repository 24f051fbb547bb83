import { TextField } from "./text-field.tsx";

/** A whole-number input; an empty box reads as NaN so the schema reports it. */
export function NumberField({
  value,
  onValueChange,
  ...props
}: {
  label: string;
  value: number | undefined;
  onValueChange: (value: number | undefined) => void;
  hint?: string;
  error?: string | undefined;
  min?: number;
  max?: number;
  optional?: boolean;
  className?: string;
}) {
  const { optional, ...rest } = props;
  return (
    <TextField
      type="number"
      inputMode="numeric"
      value={value === undefined || Number.isNaN(value) ? "" : value}
      onChange={(event) => {
        const raw = event.currentTarget.value;
        onValueChange(raw === "" ? (optional ? undefined : Number.NaN) : Number(raw));
      }}
      {...rest}
    />
  );
}
