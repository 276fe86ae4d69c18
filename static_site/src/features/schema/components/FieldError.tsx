/** The message under an input the form refused. */
export function FieldError({ message }: { message: string | undefined }) {
  return message === undefined ? null : <p className="field-error">{message}</p>;
}
