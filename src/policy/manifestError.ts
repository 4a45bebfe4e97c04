/** A manifest or model that does not fit this app; the message names the mismatch. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}
