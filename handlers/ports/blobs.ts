/** Plans and evidence. AWS: S3 (handlers/aws/blobs.ts); local: files under the run directory. */
export interface BlobPort {
  put(key: string, body: string, contentType: string): Promise<void>;
  /** Throws an error named NoSuchKey when absent. */
  get(key: string): Promise<string>;
}
