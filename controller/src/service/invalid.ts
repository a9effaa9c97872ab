/**
 * A field of a Service that cannot be read, named so the Event can point the user at it. A class so readers can
 * return it next to plain maps: a label map may itself hold a `kind` key, so no shape test could tell them apart.
 */
export class Invalid {
  readonly kind = 'invalid';
  constructor(
    readonly field: string,
    readonly message: string,
  ) {}
}

export const invalid = (field: string, message: string): Invalid => new Invalid(field, message);
